namespace McpAspire.AuthServer.Persistence.OpenIddict;

/// <summary>
/// How revoking an authorization reaches every token written for it, strongly consistent, so that introspecting
/// or redeeming a token needs only the token's own item (one GetItem), never its authorization's.
/// <list type="bullet">
/// <item>Issuing: the transaction that writes a new token also updates its authorization, on condition that the
/// authorization is still valid, adding <c>"&lt;token ttl&gt;.&lt;token id&gt;"</c> to the authorization's
/// <see cref="LiveTokens"/> string set. A token so written carries <see cref="Tracked"/> and <see cref="RevokedFirst"/>.</item>
/// <item>Revoking (any status other than valid, and deleting, which revokes first): every token the set names is
/// revoked first (read by key, strongly consistent; written revoked with a new concurrency token); then the status
/// changes with one UpdateItem on condition that the set is still exactly the one whose tokens were revoked. If a token
/// joined or left meanwhile the condition fails, DynamoDB returns the item as it is, and the new set is revoked and the
/// status tried again (a bounded number of times; then the revocation fails and the authorization stays valid).</item>
/// <item>Invariant: at the instant the status leaves valid, every token in the set is revoked, and after it no token can
/// join (the issuing condition). A tracked token whose authorization is not valid is therefore itself not valid.</item>
/// <item>A token without <see cref="RevokedFirst"/> is checked the old way (its authorization is read): written
/// before this scheme, while its authorization's set was full, or by the version that changed the status before
/// revoking the set (<see cref="Tracked"/> only; a crash between its two steps left such tokens valid).</item>
/// </list>
/// The set is bounded (<see cref="Capacity"/>): a redeemed token leaves it in the transaction that redeems it,
/// entries whose TTL has passed are pruned when it is full, and a token that still finds no room is written
/// untracked. An authorization item therefore stays under about 12 KB.
/// <para>Interleavings (each has a test in HotPathCostTests where it can be reached from outside):</para>
/// <list type="bullet">
/// <item>Crash, throttling or hang-up between the steps: the status has not changed, so the authorization is still
/// valid and a retry (by the user, the administrator or the caller; OpenIddict's <c>TryRevokeAsync</c> does not return
/// early, the status being valid) revokes the set again (tokens already revoked are skipped) and changes the status.
/// Meanwhile the revoked tokens are inactive, the others as active as the authorization says. Once started, the steps
/// do not stop for the caller's cancellation.</item>
/// <item>Issue vs revoke: DynamoDB orders the issuing transaction and the status change on the authorization item.
/// Issue first: the set changed, the status change fails its condition, the new token is revoked on the next round.
/// Revoke first: the issuing transaction fails its condition (authorization not valid) and no token is written.</item>
/// <item>Refresh rotation vs revoke: the redemption is conditional on the refresh token's concurrency token, which
/// the revocation replaces; a redemption committed before it takes the token out of the set and issues two tokens,
/// each changing the set (see above), and the new refresh token is revoked before the status changes, so the chain
/// ends within a round or two.</item>
/// <item>Two revocations at once: both revoke the same tokens (idempotent); of the two status changes, the one
/// conditional on the concurrency token the other replaced fails (OpenIddict's concurrency failure, as with any store),
/// the other succeeds. A bulk revocation (by subject, client) has no concurrency condition: revoked is terminal.</item>
/// <item>Authorization deleted: a delete revokes first (as above), then deletes the item on condition of the
/// concurrency token, then deletes its tokens. Pruning deletes non-valid authorizations blindly (their tokens were
/// revoked before their status changed) and a valid one only on condition that its set is still the one it saw with
/// only expired entries in it: a valid authorization never disappears with a live tracked token.</item>
/// <item>Token deleted: its entry may stay in the set; the revocation finds no item for it and skips it. A token item
/// past its TTL reads as absent everywhere, so it is neither revoked nor ever active.</item>
/// <item>Rolling upgrade: a replica of the previous version still changes the status first; tokens written by this
/// version are at risk from such a replica's crash until every replica runs this version.</item>
/// </list>
/// </summary>
internal static class TokenFamily
{
    /// <summary>On an authorization: the string set of its tracked tokens, <c>"&lt;ttl&gt;.&lt;id&gt;"</c> (ttl 0: none).</summary>
    public const string LiveTokens = "live_tokens";

    /// <summary>On a token item and its reference copy: true when the token is in its authorization's <see cref="LiveTokens"/>.</summary>
    public const string Tracked = "authorization_tracked";

    /// <summary>
    /// On a token item and its reference copy: tracked, and written by a version that revokes the live set before the
    /// authorization's status changes. Only such a token may skip the read of its authorization: tokens carrying only
    /// <see cref="Tracked"/> were written when the status changed first, and a revocation cut between its two steps left
    /// them valid under a revoked authorization.
    /// </summary>
    public const string RevokedFirst = "revoked_before_authorization";

    /// <summary>At most this many entries in an authorization's set (each about 45 bytes).</summary>
    public const int Capacity = 256;

    public static string Entry(string tokenId, long? ttl) => (ttl ?? 0).ToString(CultureInfo.InvariantCulture) + "." + tokenId;

    public static string TokenIdOf(string entry) => entry[(entry.IndexOf('.', StringComparison.Ordinal) + 1)..];

    /// <summary>True when the entry's token is past its TTL: DynamoDB may already have deleted it, and no read returns it.</summary>
    public static bool HasExpired(string entry, long nowUnixSeconds)
    {
        var dot = entry.IndexOf('.', StringComparison.Ordinal);
        return dot > 0
            && long.TryParse(entry.AsSpan(0, dot), NumberStyles.Integer, CultureInfo.InvariantCulture, out var ttl)
            && ttl != 0 && ttl < nowUnixSeconds;
    }
}
