using System.Net;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace McpAspire.AuthServer.Users;

/// <summary>
/// Slows down password guessing without letting anyone lock a user out. Failures count per (account, address):
/// a few are free, then each one doubles the wait before that pair may try again, up to a ceiling. An account is
/// never locked as such, so guesses from elsewhere cannot keep its owner out; an address that fails on many
/// accounts (password spraying) is refused as a whole. Addresses are IPv4 addresses or IPv6 /64s. Written by
/// hand: ASP.NET Core's rate limiter counts requests, not failures, and cannot key on the account a form names.
/// The counts live in this process's memory, in a size-bounded cache; behind several replicas each counts its
/// own share, which the request rate limiter on the login page bounds further.
/// </summary>
public sealed class LoginThrottle : IDisposable
{
    private readonly LoginThrottleOptions _options;
    private readonly TimeProvider _time;
    private readonly MemoryCache _failures;
    private readonly Lock _gate = new();

    public LoginThrottle(IOptions<LoginThrottleOptions> options, TimeProvider time)
    {
        _options = options.Value;
        _time = time;
        _failures = new MemoryCache(new MemoryCacheOptions { SizeLimit = _options.MaxTrackedEntries });
    }

    /// <summary>When a sign-in for this account from this address may be tried again; null when it may now.</summary>
    public TimeSpan? RetryAfter(string userName, IPAddress? address)
    {
        var partition = ClientAddress.Partition(address);
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            var pair = Current(PairKey(userName, partition), now);
            var fromAddress = Current(AddressKey(partition), now);

            TimeSpan? wait = null;
            if (pair is { } p && p.Count > _options.FreeFailuresPerAccountAndAddress && p.LastFailure + Delay(p.Count) > now)
            {
                wait = p.LastFailure + Delay(p.Count) - now;
            }

            if (fromAddress is { } a && a.Count >= _options.MaxFailuresPerAddress)
            {
                var addressWait = a.LastFailure + _options.Window - now;
                wait = wait is null || addressWait > wait ? addressWait : wait;
            }

            return wait;
        }
    }

    /// <summary>Counts one failed attempt against the (account, address) pair and the address.</summary>
    public void RecordFailure(string userName, IPAddress? address)
    {
        var partition = ClientAddress.Partition(address);
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            Increment(PairKey(userName, partition), now);
            Increment(AddressKey(partition), now);
        }
    }

    /// <summary>A successful sign-in clears that pair's failures (not the address's: one good password does not vouch for the rest).</summary>
    public void RecordSuccess(string userName, IPAddress? address)
    {
        lock (_gate)
        {
            _failures.Remove(PairKey(userName, ClientAddress.Partition(address)));
        }
    }

    public void Dispose() => _failures.Dispose();

    /// <summary>How long failures are remembered after the last one: the window, and at least the longest wait.</summary>
    private TimeSpan Retention => _options.Window > _options.MaxDelay ? _options.Window : _options.MaxDelay;

    /// <summary>The wait imposed after the <paramref name="count"/>-th failure: doubling from the first one past the free ones.</summary>
    private TimeSpan Delay(int count)
    {
        var doublings = Math.Min(count - _options.FreeFailuresPerAccountAndAddress - 1, 30);
        var delay = _options.FirstDelay * Math.Pow(2, Math.Max(doublings, 0));
        return delay < _options.MaxDelay ? delay : _options.MaxDelay;
    }

    private Failures? Current(string key, DateTimeOffset now)
    {
        if (!_failures.TryGetValue(key, out Failures? failures) || failures is null)
        {
            return null;
        }

        if (failures.LastFailure + Retention <= now)
        {
            _failures.Remove(key);
            return null;
        }

        return failures;
    }

    private void Increment(string key, DateTimeOffset now)
    {
        var count = (Current(key, now)?.Count ?? 0) + 1;
        _failures.Set(key, new Failures(count, now), new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = Retention });
    }

    // User names compare case-insensitively, as the user store does: "Admin" and "admin" share one count.
    private static string PairKey(string userName, string address) => "pair:" + userName.Trim().ToUpperInvariant() + "|" + address;

    private static string AddressKey(string address) => "address:" + address;

    private sealed record Failures(int Count, DateTimeOffset LastFailure);
}
