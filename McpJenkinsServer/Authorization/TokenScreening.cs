using System.Security.Cryptography;
using Microsoft.Extensions.Caching.Memory;

namespace McpAspire.McpJenkinsServer.Authorization;

/// <summary>What the screening decided for a request before it reaches introspection.</summary>
public enum ScreeningVerdict
{
    /// <summary>Introspect as usual.</summary>
    Introspect,

    /// <summary>The auth server called this very token inactive a short while ago: refused as invalid_token, not asked again.</summary>
    KnownInvalid,

    /// <summary>The address sent too many invalid tokens, and this one is not known to be active: 429.</summary>
    AddressLimited,
}

/// <summary>
/// Keeps junk bearer tokens from costing introspection calls. Every request is still introspected (a revocation
/// must take effect on the very next call), with two exceptions that can only ever refuse: a token the auth
/// server called inactive is remembered (by its SHA-256, never the token) and refused without asking again, and
/// an address (IPv6 per /64) that sent too many invalid tokens gets 429 for unknown tokens until its window
/// passes. Tokens seen active pass that limit, so users behind the same address keep working during a flood.
/// Both memories are size-bounded caches; the counting is ASP.NET Core's rate limiter. Each replica keeps its own:
/// a junk token costs one introspection per replica, not one in all, and the address limit is divided between them.
/// </summary>
public sealed class TokenScreening : IDisposable
{
    private readonly TokenScreeningOptions _options;
    private readonly MemoryCache _refused;
    private readonly MemoryCache _active;
    private readonly FailuresPerAddress _invalidTokens;

    public TokenScreening(IOptions<TokenScreeningOptions> options, IConfiguration configuration)
    {
        _options = options.Value;
        _refused = new MemoryCache(new MemoryCacheOptions { SizeLimit = _options.MaxRememberedTokens });
        _active = new MemoryCache(new MemoryCacheOptions { SizeLimit = _options.MaxRememberedTokens });
        // This replica's share (ReplicaShare): the screening runs before every MCP request, with no storage to share a count in.
        _invalidTokens = new FailuresPerAddress(ReplicaShare.Of(_options.InvalidTokensPerAddress, configuration), _options.Window);
    }

    public ScreeningVerdict Screen(string tokenHash, string address, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (_refused.TryGetValue(tokenHash, out _))
        {
            return ScreeningVerdict.KnownInvalid;
        }

        if (_active.TryGetValue(tokenHash, out _))
        {
            return ScreeningVerdict.Introspect;
        }

        // Asking takes nothing: only refused tokens count.
        return _invalidTokens.IsBlocked(address, out retryAfter) ? ScreeningVerdict.AddressLimited : ScreeningVerdict.Introspect;
    }

    /// <summary>The auth server answered that the token is active.</summary>
    public void RecordActive(string tokenHash)
        => _active.Set(tokenHash, true, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = _options.RememberActiveFor });

    /// <summary>The auth server answered that the token is not active (never called for an unreachable auth server).</summary>
    public void RecordRefused(string tokenHash, string address)
    {
        _active.Remove(tokenHash);
        _refused.Set(tokenHash, true, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = _options.RememberRefusedFor });
        _invalidTokens.Record(address);
    }

    /// <summary>A token's key in the memories: its SHA-256, so no token is ever held.</summary>
    public static string Hash(string token) => Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public void Dispose()
    {
        _refused.Dispose();
        _active.Dispose();
        _invalidTokens.Dispose();
    }
}
