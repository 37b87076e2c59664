using System.Globalization;

namespace McpAspire.AuthServer.Persistence.OpenIddict;

/// <summary>
/// How revoking an authorization reaches every token written for it, strongly consistent, so that introspecting
/// or redeeming a token needs only the token's own item (one GetItem), never its authorization's.
/// <list type="bullet">
/// <item>The transaction that writes a new token also updates its authorization, on condition that the
/// authorization is still valid, adding <c>"&lt;token ttl&gt;.&lt;token id&gt;"</c> to the authorization's
/// <see cref="LiveTokens"/> string set. A token so written carries <see cref="Tracked"/>.</item>
/// <item>Revoking (or deleting) an authorization sets its status with one UpdateItem that returns the set as it
/// is at that instant, then revokes every token it names. A token written before that instant is in the set; a
/// token written after it fails its transaction's condition. No index (eventually consistent) is involved.</item>
/// <item>A token without <see cref="Tracked"/> (written before this scheme, or while its authorization's set was
/// full) is checked the old way: its authorization is read.</item>
/// </list>
/// The set is bounded (<see cref="Capacity"/>): a redeemed token leaves it in the transaction that redeems it,
/// entries whose TTL has passed are pruned when it is full, and a token that still finds no room is written
/// untracked. An authorization item therefore stays under about 12 KB.
/// </summary>
internal static class TokenFamily
{
    /// <summary>On an authorization: the string set of its tracked tokens, <c>"&lt;ttl&gt;.&lt;id&gt;"</c> (ttl 0: none).</summary>
    public const string LiveTokens = "live_tokens";

    /// <summary>On a token item and its reference copy: true when the token is in its authorization's <see cref="LiveTokens"/>.</summary>
    public const string Tracked = "authorization_tracked";

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
