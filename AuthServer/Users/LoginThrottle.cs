using System.Net;
using System.Text;
using McpAspire.AuthServer.Persistence.Coordination;

namespace McpAspire.AuthServer.Users;

/// <summary>
/// Slows down password guessing without letting anyone lock a user out. Failures count per (account, address):
/// a few are free, then each one doubles the wait before that pair may try again, up to a ceiling. An account is
/// never locked as such, so guesses from elsewhere cannot keep its owner out; an address that fails on many
/// accounts (password spraying) is refused as a whole. Addresses are IPv4 addresses or IPv6 /64s. Written by
/// hand: ASP.NET Core's rate limiter counts requests, not failures, and cannot key on the account a form names.
/// </summary>
/// <remarks>
/// The counts are shared by every replica, in DynamoDB (<see cref="DynamoDbFailureCounts"/>), not divided between
/// them: a wait imposed after failures that reached one replica must hold on the next attempt whichever replica it
/// reaches, and a per-replica share of "3 free failures" cannot be divided at all. Sign-in is no hot path (each
/// attempt already pays a PBKDF2 verification), so the price is affordable: one strongly consistent BatchGetItem per
/// attempt, two UpdateItems (in parallel) per failure, one DeleteItem per success (docs/auth-server.md).
/// Account names are kept only as SHA-256 digests, so a password typed into the name field is not stored.
/// </remarks>
public sealed class LoginThrottle(IOptions<LoginThrottleOptions> options, TimeProvider time, DynamoDbFailureCounts counts)
{
    private readonly LoginThrottleOptions _options = options.Value;

    /// <summary>When a sign-in for this account from this address may be tried again; null when it may now.</summary>
    public async Task<TimeSpan?> RetryAfterAsync(string userName, IPAddress? address, CancellationToken cancellationToken)
    {
        var partition = ClientAddress.Partition(address);
        var (pairKey, addressKey) = (PairKey(userName, partition), AddressKey(partition));
        var now = time.GetUtcNow();
        var current = await counts.ReadAsync([pairKey, addressKey], now, cancellationToken);

        TimeSpan? wait = null;
        if (current.TryGetValue(pairKey, out var pair) && pair.Count > _options.FreeFailuresPerAccountAndAddress && pair.LastFailure + Delay(pair.Count) > now)
        {
            wait = pair.LastFailure + Delay(pair.Count) - now;
        }

        if (current.TryGetValue(addressKey, out var fromAddress) && fromAddress.Count >= _options.MaxFailuresPerAddress)
        {
            var addressWait = fromAddress.LastFailure + _options.Window - now;
            wait = wait is null || addressWait > wait ? addressWait : wait;
        }

        return wait;
    }

    /// <summary>Counts one failed attempt against the (account, address) pair and the address.</summary>
    public async Task RecordFailureAsync(string userName, IPAddress? address, CancellationToken cancellationToken)
    {
        var partition = ClientAddress.Partition(address);
        var now = time.GetUtcNow();
        await Task.WhenAll(
            counts.IncrementAsync(PairKey(userName, partition), now, Retention, cancellationToken),
            counts.IncrementAsync(AddressKey(partition), now, Retention, cancellationToken));
    }

    /// <summary>A successful sign-in clears that pair's failures (not the address's: one good password does not vouch for the rest).</summary>
    public Task RecordSuccessAsync(string userName, IPAddress? address, CancellationToken cancellationToken)
        => counts.ResetAsync(PairKey(userName, ClientAddress.Partition(address)), cancellationToken);

    /// <summary>How long failures are remembered after the last one: the window, and at least the longest wait.</summary>
    private TimeSpan Retention => _options.Window > _options.MaxDelay ? _options.Window : _options.MaxDelay;

    /// <summary>The wait imposed after the <paramref name="count"/>-th failure: doubling from the first one past the free ones.</summary>
    private TimeSpan Delay(int count)
    {
        var doublings = Math.Min(count - _options.FreeFailuresPerAccountAndAddress - 1, 30);
        var delay = _options.FirstDelay * Math.Pow(2, Math.Max(doublings, 0));
        return delay < _options.MaxDelay ? delay : _options.MaxDelay;
    }

    // User names compare case-insensitively, as the user store does: "Admin" and "admin" share one count.
    private static string PairKey(string userName, string address)
        => "login|pair|" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(userName.Trim().ToUpperInvariant()))) + "|" + address;

    private static string AddressKey(string address) => "login|address|" + address;
}
