using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace McpAspire.AuthServer.Tokens;

/// <summary>
/// When <c>AuthServer:RefreshTokensWithoutOfflineAccess</c> is on (off by default), issues a refresh token on every
/// authorization-code and refresh-token grant to a client registered with the <c>refresh_token</c> grant, whether
/// or not it asked for <c>offline_access</c>. OpenIddict issues one only for <c>offline_access</c> (an OpenID
/// Connect convention); OAuth 2.1 leaves the choice to the server. It would spare VS Code (which asks exactly the
/// scopes of the 401 challenge) its hourly re-authorization, and it stays safe (refresh tokens rotate, a replay
/// revokes the grant). It is off by default because the TypeScript SDK (Claude Code, MCP Inspector, mcp-remote)
/// answers a 403 <c>insufficient_scope</c> by refreshing when it holds a refresh token (sdk 1.32,
/// <c>client/auth.js</c> <c>authInternal</c>): the refreshed token has the same scopes, so such a client could
/// never step up to <c>mcp:write</c>. Without a refresh token it re-authorizes, and while the user's sign-in
/// session lasts and the consent is remembered, that re-authorization is a redirect with nothing to type.
/// </summary>
public sealed class IssueRefreshTokensToRegisteredClients(IOpenIddictApplicationManager applications, Microsoft.Extensions.Options.IOptions<AuthServerOptions> options)
    : IOpenIddictServerHandler<ProcessSignInContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessSignInContext>()
            .UseScopedHandler<IssueRefreshTokensToRegisteredClients>()
            // Right after OpenIddict decided which tokens to generate, before any is generated.
            .SetOrder(OpenIddictServerHandlers.EvaluateGeneratedTokens.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ProcessSignInContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!options.Value.RefreshTokensWithoutOfflineAccess
            || context.GenerateRefreshToken
            || context.EndpointType is not OpenIddictServerEndpointType.Token
            || context.Request is not { } request
            || !(request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType())
            || string.IsNullOrEmpty(request.ClientId))
        {
            return;
        }

        var application = await applications.FindByClientIdAsync(request.ClientId, context.CancellationToken);
        if (application is not null
            && await applications.HasPermissionAsync(application, Permissions.GrantTypes.RefreshToken, context.CancellationToken))
        {
            context.GenerateRefreshToken = true;
            context.IncludeRefreshToken = true;
        }
    }
}
