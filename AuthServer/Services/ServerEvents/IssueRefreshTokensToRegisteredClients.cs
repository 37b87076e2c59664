using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace McpAspire.AuthServer.Services.ServerEvents;

/// <summary>
/// Issues a refresh token on every authorization-code and refresh-token grant to a client registered with
/// the <c>refresh_token</c> grant, whether or not it asked for <c>offline_access</c>. OpenIddict issues one
/// only for <c>offline_access</c> (an OpenID Connect convention); OAuth 2.1 leaves the choice to the server,
/// and a client that registers the <c>refresh_token</c> grant (RFC 7591 <c>grant_types</c>) has asked for
/// refresh tokens. VS Code asks exactly the scopes of the 401 challenge, so without this its users would
/// sign in again every hour. It stays safe because refresh tokens rotate on every use and a replayed one
/// revokes its whole grant (no reuse leeway by default); client credentials never get one.
/// </summary>
public sealed class IssueRefreshTokensToRegisteredClients(IOpenIddictApplicationManager applications)
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
        if (context.GenerateRefreshToken
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
