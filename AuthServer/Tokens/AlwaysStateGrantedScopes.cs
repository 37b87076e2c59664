using static OpenIddict.Server.OpenIddictServerEvents;

namespace McpAspire.AuthServer.Tokens;

/// <summary>
/// Puts <c>scope</c> into every token response. OpenIddict leaves it out when the granted scopes equal the
/// requested ones (RFC 6749 allows that), but MCP clients read it to learn what they may do, and the
/// granted scopes can differ in meaning from what was asked (OpenID scopes alone yield <c>mcp:read</c>).
/// </summary>
public sealed class AlwaysStateGrantedScopes : IOpenIddictServerHandler<ProcessSignInContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessSignInContext>()
            .UseSingletonHandler<AlwaysStateGrantedScopes>()
            .SetOrder(OpenIddictServerHandlers.AttachSignInParameters.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ProcessSignInContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.IncludeAccessToken && context.AccessTokenPrincipal is not null && string.IsNullOrEmpty(context.Response.Scope))
        {
            context.Response.Scope = string.Join(' ', context.AccessTokenPrincipal.GetScopes());
        }

        return ValueTask.CompletedTask;
    }
}
