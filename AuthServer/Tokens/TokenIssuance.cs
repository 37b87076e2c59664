using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace McpAspire.AuthServer.Tokens;

/// <summary>
/// Builds the principals OpenIddict turns into codes and tokens: who they are for, what they allow, and
/// which claims go into which token. One place, so the authorization page and the token endpoint agree.
/// </summary>
public sealed class TokenIssuance(IOptions<McpServerOptions> mcpServer)
{
    /// <summary>
    /// The claim naming the user's groups, one claim per group, as Keycloak, Okta and Entra ID name it. It goes into
    /// access tokens only: the MCP server reads it from the introspection answer to apply its access policy.
    /// </summary>
    public const string GroupsClaim = "groups";

    /// <summary>
    /// The audiences of every token: the canonical MCP resource URI (what the MCP server checks) and the MCP
    /// server's own client id, because OpenIddict answers an introspection call in full only when the
    /// caller is one of the token's audiences.
    /// </summary>
    public ImmutableArray<string> Audiences =>
        [mcpServer.Value.Resource, mcpServer.Value.IntrospectionClientId];

    /// <summary>A principal for a signed-in user who granted <paramref name="scopes"/>.</summary>
    public ClaimsPrincipal ForUser(SignedInUser user, IEnumerable<string> scopes)
    {
        var identity = new ClaimsIdentity(
            authenticationType: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme,
            nameType: Claims.Name,
            roleType: Claims.Role);
        identity.SetClaim(Claims.Subject, user.Subject)
            .SetClaim(Claims.Name, user.UserName)
            .SetClaim(Claims.PreferredUsername, user.UserName)
            .SetClaims(GroupsClaim, [.. user.Groups]);

        identity.SetScopes(scopes);
        identity.SetResources(Audiences);
        identity.SetDestinations(claim => Destinations(claim, identity));
        return new ClaimsPrincipal(identity);
    }

    /// <summary>A principal for a confidential client acting on its own behalf (client credentials).</summary>
    public ClaimsPrincipal ForClient(string clientId, string? displayName, IEnumerable<string> scopes)
    {
        var identity = new ClaimsIdentity(
            authenticationType: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme,
            nameType: Claims.Name,
            roleType: Claims.Role);
        identity.SetClaim(Claims.Subject, clientId)
            .SetClaim(Claims.Name, displayName ?? clientId);

        identity.SetScopes(scopes);
        identity.SetResources(Audiences);
        identity.SetDestinations(claim => Destinations(claim, identity));
        return new ClaimsPrincipal(identity);
    }

    /// <summary>
    /// Copies a principal from a code or refresh token for re-issuance, with the user's current name and groups
    /// (a group change reaches the next token). Scopes, audiences, the authorization id and the token ids stay as
    /// OpenIddict stored them.
    /// </summary>
    public static ClaimsPrincipal Refresh(ClaimsPrincipal stored, SignedInUser user)
    {
        var identity = new ClaimsIdentity(
            stored.Claims,
            authenticationType: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme,
            nameType: Claims.Name,
            roleType: Claims.Role);
        identity.SetClaim(Claims.Name, user.UserName)
            .SetClaim(Claims.PreferredUsername, user.UserName)
            .SetClaims(GroupsClaim, [.. user.Groups]);
        identity.SetDestinations(claim => Destinations(claim, identity));
        return new ClaimsPrincipal(identity);
    }

    // The access token is opaque and read only by introspection, so it may carry the user name (RFC 7662
    // "username"); the identity token gets profile claims only when the "profile" scope was granted.
    private static IEnumerable<string> Destinations(Claim claim, ClaimsIdentity identity) => claim.Type switch
    {
        Claims.Name or Claims.PreferredUsername when identity.HasScope(Scopes.Profile) =>
            [OpenIddictConstants.Destinations.AccessToken, OpenIddictConstants.Destinations.IdentityToken],
        Claims.Name or Claims.PreferredUsername => [OpenIddictConstants.Destinations.AccessToken],
        Claims.Subject => [OpenIddictConstants.Destinations.AccessToken, OpenIddictConstants.Destinations.IdentityToken],
        GroupsClaim => [OpenIddictConstants.Destinations.AccessToken],
        // Security stamps and anything else stay out of tokens.
        _ => [],
    };
}
