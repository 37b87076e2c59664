using Amazon.DynamoDBv2.Model;
using McpAspire.AuthServer.Persistence.Infrastructure;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

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
/// </remarks>
public sealed class RecentApplications : IDisposable
{
    private const int Capacity = 10_000;

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
        if (!Enabled)
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
