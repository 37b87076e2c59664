using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace McpAspire.McpJenkinsServer.Authorization;

/// <summary>Hands the scope a forbidden request needed to the 403 challenge (<see cref="McpBearerChallengeHandler"/>).</summary>
public sealed class McpAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler defaultHandler = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden && authorizeResult.AuthorizationFailure?.FailureReasons
                .FirstOrDefault(r => r.Handler is McpScopeAuthorizationHandler) is { } reason)
        {
            var properties = new AuthenticationProperties();
            properties.Items[McpBearerChallengeHandler.RequiredScopeItem] = reason.Message;
            return context.ForbidAsync(properties);
        }

        return defaultHandler.HandleAsync(next, context, policy, authorizeResult);
    }
}
