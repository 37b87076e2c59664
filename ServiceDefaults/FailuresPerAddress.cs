using System.Threading.RateLimiting;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Failures per client address (<see cref="ClientAddress"/> partitions), in fixed windows: each failure takes a
/// permit, and an address with none left is refused before its next attempt costs anything. Asking takes nothing.
/// ASP.NET Core's limiter does the counting and forgets idle addresses; only the failure-counting use is ours.
/// </summary>
public sealed class FailuresPerAddress : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public FailuresPerAddress(int permitLimit, TimeSpan window)
    {
        _limiter = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permitLimit,
            Window = window,
            QueueLimit = 0,
        }));
    }

    public void Record(string address)
    {
        using var _ = _limiter.AttemptAcquire(address);
    }

    /// <summary>Whether <paramref name="address"/> has used up its failures, and how long until it may try again.</summary>
    public bool IsBlocked(string address, out TimeSpan retryAfter)
    {
        using var lease = _limiter.AttemptAcquire(address, permitCount: 0);
        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.Zero;
        return !lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
