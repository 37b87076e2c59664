using McpAspire.AuthServer.Model;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace McpAspire.AuthServer.Services;

/// <summary>
/// Counts failed sign-ins per account and per client address and refuses further attempts once either
/// count reaches its limit, until the window has passed since the last failure. Written by hand: ASP.NET
/// Core's rate limiter counts requests, not failures, and cannot key on the account a form names.
/// The counts live in this process's memory; behind several replicas each counts its own share, which
/// the request rate limiter on the login page bounds further.
/// </summary>
public sealed class LoginThrottle(IMemoryCache cache, IOptions<LoginThrottleOptions> options, TimeProvider time)
{
    private readonly LoginThrottleOptions _options = options.Value;
    private readonly Lock _gate = new();

    /// <summary>When a sign-in for this account from this address may be tried again; null when it may now.</summary>
    public TimeSpan? RetryAfter(string userName, string? address)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            var account = Blocked(AccountKey(userName), _options.MaxFailuresPerAccount, now);
            var client = Blocked(AddressKey(address), _options.MaxFailuresPerAddress, now);
            return (account, client) switch
            {
                (null, null) => null,
                (TimeSpan a, null) => a,
                (null, TimeSpan c) => c,
                (TimeSpan a, TimeSpan c) => a > c ? a : c,
            };
        }
    }

    /// <summary>Counts one failed attempt against the account and the address.</summary>
    public void RecordFailure(string userName, string? address)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            Increment(AccountKey(userName), now);
            Increment(AddressKey(address), now);
        }
    }

    /// <summary>A successful sign-in clears the account's failures (not the address's: one good password does not vouch for the rest).</summary>
    public void RecordSuccess(string userName)
    {
        lock (_gate)
        {
            cache.Remove(AccountKey(userName));
        }
    }

    private TimeSpan? Blocked(string key, int limit, DateTimeOffset now)
    {
        if (!cache.TryGetValue(key, out Failures? failures) || failures is null)
        {
            return null;
        }

        var until = failures.LastFailure + _options.Window;
        if (until <= now)
        {
            cache.Remove(key);
            return null;
        }

        return failures.Count >= limit ? until - now : null;
    }

    private void Increment(string key, DateTimeOffset now)
    {
        var count = cache.TryGetValue(key, out Failures? failures) && failures is not null && failures.LastFailure + _options.Window > now
            ? failures.Count + 1
            : 1;
        cache.Set(key, new Failures(count, now), _options.Window);
    }

    // User names compare case-insensitively, as the user store does: "Admin" and "admin" share one count.
    private static string AccountKey(string userName) => "login-failures:account:" + userName.Trim().ToUpperInvariant();

    private static string AddressKey(string? address) => "login-failures:address:" + (address ?? "unknown");

    private sealed record Failures(int Count, DateTimeOffset LastFailure);
}
