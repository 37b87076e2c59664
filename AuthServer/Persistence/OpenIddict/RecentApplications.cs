using Amazon.DynamoDBv2.Model;
using McpAspire.AuthServer.Persistence.Infrastructure;
using Microsoft.Extensions.Caching.Memory;

namespace McpAspire.AuthServer.Persistence.OpenIddict;

/// <summary>
/// Application items recently read by client id, kept for <see cref="DynamoDbPersistenceOptions.ApplicationCacheDuration"/>.
/// A client authenticates on every request it makes (the MCP server on every introspection) and changes rarely, so
/// reading its item from DynamoDB each time was one of an introspection's three round trips. Token and authorization
/// reads are never cached: revocation must take effect on the very next request.
/// </summary>
/// <remarks>
/// Writes made by this process evict the entry at once; a change made by another replica is seen when the entry
/// expires (30 seconds by default), the same trade every OAuth server's client cache makes. Items, not entities,
/// are kept: every read materialises a fresh entity, so no caller can change what another one sees. Only found
/// clients are kept, so a client registered anywhere is usable at once. No library caches DynamoDB items, hence
/// this class.
/// <para>
/// Confidential clients (machine clients, confidential registrations) are never kept (<see cref="MayKeep"/>): their
/// item carries the secret's hash, and a secret rotated, or a client deleted, through one replica must stop working
/// on every replica at once, not within the cache's lifetime. That costs them one Query per request on the token and
/// revocation endpoints, which are not the hot path. Kept are public clients (no secret) and resource servers,
/// the confidential clients allowed to introspect: the MCP server authenticates on every introspection, which must
/// stay at one storage read. Its secret changes only with a redeployment, which restarts every replica with the new
/// one; until a replica restarts it accepts the old secret for at most the cache's lifetime after another replica
/// stored the new one.
/// </para>
/// </remarks>
public sealed class RecentApplications : IDisposable
{
    private const int Capacity = 10_000;
    private const string ClientTypeAttribute = "client_type";
    private const string PermissionsAttribute = "permissions";

    private readonly MemoryCache _items = new(new MemoryCacheOptions { SizeLimit = Capacity });
    private readonly TimeSpan _duration;

    // Bumped by every eviction: a read that began before an eviction must not put back what it read.
    private long _generation;

    public RecentApplications(IOptions<DynamoDbPersistenceOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _duration = options.Value.ApplicationCacheDuration;
    }

    public bool Enabled => _duration > TimeSpan.Zero;

    /// <summary>The generation to hand back to <see cref="Remember"/> after reading from DynamoDB.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    public bool TryGet(string clientId, out Dictionary<string, AttributeValue> item)
    {
        item = null!;
        return Enabled && _items.TryGetValue(clientId, out item!);
    }

    /// <summary>Keeps an item read from DynamoDB, unless a write evicted anything since the read began.</summary>
    public void Remember(string clientId, Dictionary<string, AttributeValue> item, long generationBeforeRead)
    {
        if (!Enabled || !MayKeep(item))
        {
            return;
        }

        _items.Set(clientId, item, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = _duration });

        // Checked after the write: an eviction racing with it either removed it already or is seen here.
        if (Interlocked.Read(ref _generation) != generationBeforeRead)
        {
            _items.Remove(clientId);
        }
    }

    /// <summary>
    /// Whether an application item may be kept: a public client, or a confidential one allowed to introspect (a
    /// resource server); never another confidential client, nor a registration not used yet. The latter carries its expiry as TTL and is about to change: its first token
    /// removes the mark, and a replica that kept the earlier item would try that update again from a stale
    /// concurrency token (found by <c>ReplicaTests</c>: a refresh on the other replica answered 500).
    /// </summary>
    public static bool MayKeep(Dictionary<string, AttributeValue> item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (item.ContainsKey(DynamoDbSchema.Ttl))
        {
            return false;
        }

        if (!string.Equals(item.GetValueOrDefault(ClientTypeAttribute)?.S, OpenIddictConstants.ClientTypes.Confidential, StringComparison.Ordinal))
        {
            return true;
        }

        // A confidential client is kept only when it may introspect: introspection authenticates it on every call.
        return JsonAttributes.ReadArray(item.GetValueOrDefault(PermissionsAttribute)?.S)
            .Contains(OpenIddictConstants.Permissions.Endpoints.Introspection, StringComparer.Ordinal);
    }

    public void Forget(string? clientId)
    {
        Interlocked.Increment(ref _generation);
        if (!string.IsNullOrEmpty(clientId))
        {
            _items.Remove(clientId);
        }
    }

    public void Dispose() => _items.Dispose();
}
