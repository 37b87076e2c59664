using Microsoft.AspNetCore.Authorization;

namespace McpAspire.McpJenkinsServer.Authorization;

/// <summary>The request's token must carry the scope its MCP messages need (see <see cref="ToolScopes"/>).</summary>
public sealed class McpScopeRequirement : IAuthorizationRequirement;

/// <summary>
/// Decides <see cref="McpScopeRequirement"/> before the SDK sees the request, so a write tool called with a
/// read-only token gets an HTTP 403 <c>insufficient_scope</c> that clients understand as "step up", rather than
/// the JSON-RPC error the SDK's own [Authorize] filter would give.
/// </summary>
public sealed class McpScopeAuthorizationHandler(ToolScopes toolScopes) : AuthorizationHandler<McpScopeRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, McpScopeRequirement requirement)
    {
        if (context.User.Identity?.IsAuthenticated != true || context.Resource is not HttpContext http)
        {
            return;
        }

        var granted = context.User.GetScopes();
        var toolNames = await JsonRpcToolCallReader.ReadToolNamesAsync(http.Request, http.RequestAborted);
        var needed = toolNames.Count == 0
            // Handshakes, listings and notifications: any scope of ours will do.
            ? (granted.Any(McpScopes.All.Contains) ? [] : new[] { McpScopes.Read })
            : toolNames.Select(toolScopes.ScopeFor).Distinct().Where(scope => !granted.Contains(scope)).ToArray();

        if (needed.Length == 0)
        {
            context.Succeed(requirement);
            return;
        }

        // Ask for what the token has plus what it lacks: a stepped-up token must not lose its other rights.
        var challenge = string.Join(' ', McpScopes.All.Where(s => granted.Contains(s) || needed.Contains(s)));
        context.Fail(new AuthorizationFailureReason(this, challenge));
    }
}
