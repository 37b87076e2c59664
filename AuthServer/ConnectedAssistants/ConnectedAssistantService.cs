using static OpenIddict.Abstractions.OpenIddictConstants;

namespace McpAspire.AuthServer.ConnectedAssistants;

/// <summary>A client as a user allowed it, one row of the user's page.</summary>
public sealed record ConnectedAssistant(
    string GrantId, string ClientId, string Name, DateTimeOffset? AuthorizedAt, IReadOnlyList<string> Scopes, DateTimeOffset? LastUsedAt);

/// <summary>One grant (authorization) of any user, one row of the administrators' page.</summary>
public sealed record GrantRow(
    string GrantId, string Subject, string ClientId, string Name, string Kind, DateTimeOffset? CreatedAt, IReadOnlyList<string> Scopes,
    DateTimeOffset? LastUsedAt);

/// <summary>A page of the administrators' list: <see cref="NextOffset"/> is null on the last one.</summary>
public sealed record GrantPage(IReadOnlyList<GrantRow> Rows, int Offset, int? NextOffset);

/// <summary>What a revocation ended: whose access, to which client, and how many grants it revoked.</summary>
public sealed record RevokedAssistant(string Subject, string ClientId, string Name, int Grants);

/// <summary>
/// The clients (assistants) users have allowed, listed and revoked through OpenIddict's managers. Revoking is per
/// user and client: every valid grant of that user to that client (the remembered consent and each sign-in) is
/// revoked through the token manager's <c>RevokeByAuthorizationIdAsync</c>, the path a replayed refresh token
/// takes (<c>FamilyRevokingTokenManager</c>): the authorization first, which revokes the tokens in its live set,
/// then every token its index finds; then the authorization manager's <c>RevokeAsync(subject, client, …)</c> makes
/// sure no grant stayed valid. Introspection reads the authorization, so the client's next MCP call is 401.
/// </summary>
public sealed partial class ConnectedAssistantService(
    IOpenIddictAuthorizationManager authorizations,
    IOpenIddictTokenManager tokens,
    IOpenIddictApplicationManager applications,
    IOptions<AuthServerOptions> settings,
    TimeProvider time,
    ILogger<ConnectedAssistantService> logger)
{
    /// <summary>Grants per page of the administrators' list.</summary>
    public const int AdminPageSize = 25;

    /// <summary>Grant ids are 32 hex digits; anything much longer is not one, and is not looked up.</summary>
    private const int MaxGrantIdLength = 100;

    private readonly Dictionary<string, (string ClientId, string Name)> _clients = new(StringComparer.Ordinal);

    /// <summary>The clients <paramref name="subject"/> has allowed, newest use first (one subject-index query, then one token query per sign-in).</summary>
    public async Task<IReadOnlyList<ConnectedAssistant>> ListForUserAsync(string subject, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        var grants = new List<AssistantGrant>();
        await foreach (var authorization in authorizations.FindAsync(subject, client: null, Statuses.Valid, type: null, scopes: null, cancellationToken))
        {
            grants.Add(await ReadAsync(authorization, cancellationToken));
        }

        var assistants = new List<ConnectedAssistant>();
        foreach (var connection in AssistantConnections.Of(grants, OldestHonouredConsent))
        {
            var (clientId, name) = await ClientAsync(connection.ApplicationId, cancellationToken);
            assistants.Add(new ConnectedAssistant(connection.GrantId, clientId, name, connection.AuthorizedAt, connection.Scopes, connection.LastUsedAt));
        }

        return assistants;
    }

    /// <summary>
    /// One page of every user's valid grants, in the store's scan order. OpenIddict's <c>ListAsync(count, offset)</c>
    /// streams the scan and holds one page in memory; a later page reads (and skips) the grants before it.
    /// </summary>
    public async Task<GrantPage> ListPageAsync(int offset, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var rows = new List<GrantRow>();
        var read = 0;
        // One more than a page: whether a next page exists, without a count of the whole table.
        await foreach (var authorization in authorizations.ListAsync(AdminPageSize + 1, offset, cancellationToken))
        {
            if (++read > AdminPageSize)
            {
                break;
            }

            if (!await authorizations.HasStatusAsync(authorization, Statuses.Valid, cancellationToken))
            {
                continue;
            }

            var grant = await ReadAsync(authorization, cancellationToken);
            var (clientId, name) = await ClientAsync(grant.ApplicationId, cancellationToken);
            var kind = !grant.IsConsent ? "sign-in"
                : grant.CreatedAt >= OldestHonouredConsent ? "remembered consent"
                : "remembered consent, expired";
            rows.Add(new GrantRow(grant.Id, grant.Subject, clientId, name, kind, grant.CreatedAt, AssistantConnections.Ordered(grant.Scopes), grant.LastUsedAt));
        }

        return new GrantPage(rows, offset, read > AdminPageSize ? offset + AdminPageSize : null);
    }

    /// <summary>
    /// Revokes the user's access for the client of grant <paramref name="grantId"/>, when that grant is valid and
    /// belongs to <paramref name="subject"/> (the signed-in user, never a form field). Null otherwise: an unknown
    /// grant and another user's look the same to the caller.
    /// </summary>
    public async Task<RevokedAssistant?> RevokeOwnAsync(string? grantId, string subject, string actor, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        var authorization = await FindValidAsync(grantId, cancellationToken);
        if (authorization is null || !string.Equals(await authorizations.GetSubjectAsync(authorization, cancellationToken), subject, StringComparison.Ordinal))
        {
            LogRefused(logger, actor, LogText.Safe(grantId));
            return null;
        }

        return await RevokeConnectionAsync(authorization, actor, cancellationToken);
    }

    /// <summary>An administrator revokes the access of the user and client of grant <paramref name="grantId"/>; null when there is no such valid grant.</summary>
    public async Task<RevokedAssistant?> RevokeAnyAsync(string? grantId, string administrator, CancellationToken cancellationToken)
    {
        var authorization = await FindValidAsync(grantId, cancellationToken);
        if (authorization is null)
        {
            LogRefused(logger, administrator, LogText.Safe(grantId));
            return null;
        }

        return await RevokeConnectionAsync(authorization, administrator, cancellationToken);
    }

    private DateTimeOffset OldestHonouredConsent => time.GetUtcNow() - settings.Value.ConsentLifetime;

    private async Task<object?> FindValidAsync(string? grantId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(grantId) || grantId.Length > MaxGrantIdLength)
        {
            return null;
        }

        var authorization = await authorizations.FindByIdAsync(grantId, cancellationToken);
        return authorization is not null && await authorizations.HasStatusAsync(authorization, Statuses.Valid, cancellationToken)
            ? authorization
            : null;
    }

    private async Task<RevokedAssistant> RevokeConnectionAsync(object authorization, string actor, CancellationToken cancellationToken)
    {
        var subject = await authorizations.GetSubjectAsync(authorization, cancellationToken)
            ?? throw new InvalidOperationException("A grant without a subject cannot be revoked per user.");
        var applicationId = await authorizations.GetApplicationIdAsync(authorization, cancellationToken)
            ?? throw new InvalidOperationException("A grant without a client cannot be revoked per client.");

        // The grant named by the form, read strongly consistent, and the others the subject index knows of (an index
        // is eventually consistent: a sign-in finishing at this very moment may be missed and stays valid).
        var grantIds = new HashSet<string>(StringComparer.Ordinal) { (await authorizations.GetIdAsync(authorization, cancellationToken))! };
        await foreach (var other in authorizations.FindAsync(subject, applicationId, Statuses.Valid, type: null, scopes: null, cancellationToken))
        {
            grantIds.Add((await authorizations.GetIdAsync(other, cancellationToken))!);
        }

        // Not cancellable: a person who closes the tab after pressing "Revoke" must not leave half of the grants valid.
        foreach (var id in grantIds)
        {
            await tokens.RevokeByAuthorizationIdAsync(id, CancellationToken.None);
        }

        // That path revokes each grant with OpenIddict's TryRevokeAsync, which answers false, and leaves the grant valid,
        // when a concurrent update of it wins the race (FamilyRevokingTokenManager does not look). The store's own
        // revocation by subject and client marks every grant the index finds revoked unconditionally (revoked is
        // terminal) with the tokens of its live set: the safety net for those races.
        await authorizations.RevokeAsync(subject, applicationId, Statuses.Valid, type: null, CancellationToken.None);

        var (clientId, name) = await ClientAsync(applicationId, CancellationToken.None);
        LogRevoked(logger, LogText.Safe(clientId), subject, actor, grantIds.Count);
        return new RevokedAssistant(subject, clientId, name, grantIds.Count);
    }

    private async Task<AssistantGrant> ReadAsync(object authorization, CancellationToken cancellationToken)
    {
        var id = await authorizations.GetIdAsync(authorization, cancellationToken) ?? "";
        var type = await authorizations.GetTypeAsync(authorization, cancellationToken);
        DateTimeOffset? lastToken = null;
        // A remembered consent never carries tokens (AuthorizeModel): only sign-ins are worth a query.
        if (!string.Equals(type, AuthorizationTypes.Permanent, StringComparison.Ordinal))
        {
            await foreach (var token in tokens.FindByAuthorizationIdAsync(id, cancellationToken))
            {
                if (await tokens.GetCreationDateAsync(token, cancellationToken) is { } created && (lastToken is null || created > lastToken))
                {
                    lastToken = created;
                }
            }
        }

        return new AssistantGrant(
            id,
            await authorizations.GetSubjectAsync(authorization, cancellationToken) ?? "",
            await authorizations.GetApplicationIdAsync(authorization, cancellationToken) ?? "",
            type,
            await authorizations.GetCreationDateAsync(authorization, cancellationToken),
            await authorizations.GetScopesAsync(authorization, cancellationToken),
            lastToken);
    }

    /// <summary>The client's id and the name people know it by, read once per request.</summary>
    private async Task<(string ClientId, string Name)> ClientAsync(string applicationId, CancellationToken cancellationToken)
    {
        if (_clients.TryGetValue(applicationId, out var known))
        {
            return known;
        }

        var application = string.IsNullOrEmpty(applicationId) ? null : await applications.FindByIdAsync(applicationId, cancellationToken);
        var clientId = application is null ? "" : await applications.GetClientIdAsync(application, cancellationToken) ?? "";
        var name = application is null
            ? "(a client that no longer exists)"
            : AssistantName.Of(clientId, await applications.GetLocalizedDisplayNameAsync(application, cancellationToken));
        return _clients[applicationId] = (clientId, name);
    }

    [LoggerMessage(LogLevel.Information, "Connected assistant {ClientId} of user {Subject} revoked by {Actor}: {Grants} grant(s) and their tokens.")]
    private static partial void LogRevoked(ILogger logger, string clientId, string subject, string actor, int grants);

    [LoggerMessage(LogLevel.Warning, "Revocation of grant {GrantId} refused for {Actor}: no such valid grant of theirs.")]
    private static partial void LogRefused(ILogger logger, string actor, string grantId);
}
