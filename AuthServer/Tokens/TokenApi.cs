using McpAspire.AuthServer.Authorization;
using McpAspire.AuthServer.MachineClients;
using McpAspire.AuthServer.Persistence;
using Microsoft.AspNetCore;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace McpAspire.AuthServer.Tokens;

/// <summary>
/// The token endpoint's pass-through part. OpenIddict has already authenticated the client and validated
/// the code (with its PKCE verifier), the refresh token or the client's grant; this decides what is issued.
/// </summary>
public static class TokenApi
{
    public static IEndpointRouteBuilder MapTokenApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(EndpointPaths.Token, ExchangeAsync).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> ExchangeAsync(
        HttpContext context,
        IUserStore users,
        IOpenIddictApplicationManager applications,
        TokenIssuance issuance,
        MachineClientService machineClients,
        CancellationToken cancellationToken)
    {
        var request = context.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenIddict token request is missing: is the endpoint reached outside OpenIddict?");

        if (request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType())
        {
            var stored = (await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal;
            var subject = stored?.GetClaim(Claims.Subject);
            var userName = stored?.GetClaim(Claims.Name);
            if (stored is null || subject is null || userName is null)
            {
                return Refuse(Errors.InvalidGrant, "The grant is no longer valid.");
            }

            // The user may have been removed or disabled since the code or refresh token was issued.
            var user = await users.FindActiveAsync(subject, userName, cancellationToken);
            if (user is null)
            {
                return Refuse(Errors.InvalidGrant, "The user the grant was issued to no longer exists or is disabled.");
            }

            return Results.SignIn(
                TokenIssuance.Refresh(stored, SignedInUser.From(user)),
                authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        if (request.IsClientCredentialsGrantType())
        {
            // OpenIddict has authenticated the confidential client and checked its grant and scope permissions.
            var application = await applications.FindByClientIdAsync(request.ClientId!, cancellationToken);
            if (application is null)
            {
                return Refuse(Errors.InvalidClient, "The client is not registered.");
            }

            // Checked here as well as by OpenIddict's grant permission: only an administrator-provisioned client
            // may act without a user, whatever permissions an older registration may still carry.
            if (!await machineClients.IsMachineClientAsync(application, cancellationToken))
            {
                return Refuse(Errors.UnauthorizedClient, "Only machine clients created by an administrator may use the client_credentials grant.");
            }

            var scopes = ScopeGrantPolicy.GrantToClient(request.GetScopes());
            foreach (var scope in scopes)
            {
                if (!await applications.HasPermissionAsync(application, Permissions.Prefixes.Scope + scope, cancellationToken))
                {
                    return Refuse(Errors.InvalidScope, $"The client may not obtain the scope {scope}.");
                }
            }

            var displayName = await applications.GetDisplayNameAsync(application, cancellationToken);
            return Results.SignIn(
                issuance.ForClient(request.ClientId!, displayName, scopes),
                authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        return Refuse(Errors.UnsupportedGrantType, "The grant type is not supported.");
    }

    private static IResult Refuse(string error, string description) => Results.Forbid(
        new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }),
        [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
