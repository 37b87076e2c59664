using static OpenIddict.Abstractions.OpenIddictConstants;

namespace McpAspire.AuthServer.ConnectedAssistants;

/// <summary>
/// One OpenIddict authorization of a user for a client, as the connected-assistants pages need it: a remembered
/// consent (<see cref="AuthorizationTypes.Permanent"/>) or one sign-in (<see cref="AuthorizationTypes.AdHoc"/>,
/// which carries the tokens). <see cref="LastTokenIssuedAt"/> is the newest token written under it, if any.
/// </summary>
public sealed record AssistantGrant(
    string Id,
    string Subject,
    string ApplicationId,
    string? Type,
    DateTimeOffset? CreatedAt,
    IReadOnlyList<string> Scopes,
    DateTimeOffset? LastTokenIssuedAt)
{
    public bool IsConsent => string.Equals(Type, AuthorizationTypes.Permanent, StringComparison.Ordinal);

    /// <summary>
    /// When the client last obtained something under this grant: the sign-in itself, or the newest token (a code, an
    /// access token, a refresh rotation). Introspection writes nothing, so using a token is not a use seen here.
    /// </summary>
    public DateTimeOffset? LastUsedAt => IsConsent ? null : Latest(CreatedAt, LastTokenIssuedAt);

    private static DateTimeOffset? Latest(DateTimeOffset? first, DateTimeOffset? second)
        => first is null ? second : second is null ? first : first > second ? first : second;
}

/// <summary>
/// What a user sees of one client they allowed: every grant of theirs to it taken together, because revoking is
/// per client (the consent and every sign-in: revoking the sign-ins alone would let the client sign in again
/// silently, revoking the consent alone would leave its tokens working).
/// </summary>
/// <param name="GrantId">The newest grant's id: what the page's revoke form names.</param>
public sealed record AssistantConnection(
    string GrantId,
    string ApplicationId,
    DateTimeOffset? AuthorizedAt,
    IReadOnlyList<string> Scopes,
    DateTimeOffset? LastUsedAt);

/// <summary>How a user's grants become the rows of the connected-assistants page (pure: unit-tested).</summary>
public static class AssistantConnections
{
    /// <summary>
    /// Groups <paramref name="grants"/> by client. A consent older than <paramref name="oldestHonouredConsent"/> is
    /// left out: the authorization page no longer honours it (AuthServer:ConsentLifetime), so it grants nothing.
    /// Newest use first.
    /// </summary>
    public static IReadOnlyList<AssistantConnection> Of(IEnumerable<AssistantGrant> grants, DateTimeOffset oldestHonouredConsent)
    {
        ArgumentNullException.ThrowIfNull(grants);
        return
        [
            .. grants
                .Where(grant => !grant.IsConsent || grant.CreatedAt >= oldestHonouredConsent)
                .GroupBy(grant => grant.ApplicationId, StringComparer.Ordinal)
                .Select(Connection)
                .OrderByDescending(connection => connection.LastUsedAt ?? connection.AuthorizedAt ?? DateTimeOffset.MinValue)
                .ThenBy(connection => connection.ApplicationId, StringComparer.Ordinal),
        ];
    }

    /// <summary>Scopes in the order the consent page lists them (MCP scopes first), then any other, alphabetically.</summary>
    public static IReadOnlyList<string> Ordered(IEnumerable<string> scopes)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        return
        [
            .. scopes.Distinct(StringComparer.Ordinal)
                .OrderBy(Rank)
                .ThenBy(scope => scope, StringComparer.Ordinal),
        ];
    }

    private static int Rank(string scope)
    {
        var known = McpScopes.Supported;
        for (var index = 0; index < known.Count; index++)
        {
            if (string.Equals(known[index], scope, StringComparison.Ordinal))
            {
                return index;
            }
        }

        return known.Count;
    }

    private static AssistantConnection Connection(IGrouping<string, AssistantGrant> grants)
    {
        var newest = grants.MaxBy(grant => grant.CreatedAt ?? DateTimeOffset.MinValue)!;
        return new AssistantConnection(
            newest.Id,
            grants.Key,
            grants.Min(grant => grant.CreatedAt),
            Ordered(grants.SelectMany(grant => grant.Scopes)),
            grants.Max(grant => grant.LastUsedAt));
    }
}
