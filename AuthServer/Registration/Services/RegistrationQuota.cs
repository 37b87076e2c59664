using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace McpAspire.AuthServer.Registration.Services;

/// <summary>
/// The registration quotas (<see cref="RegistrationQuotaOptions"/>): a permit per registration from the caller's
/// address (IPv6 per /64) and from everyone's shared window, chained, so a flood from many addresses is bounded
/// too. ASP.NET Core's limiters do the counting. Counts are per process: behind several replicas each counts its share.
/// </summary>
public sealed class RegistrationQuota : IDisposable
{
    private const string Everyone = "everyone";

    private readonly PartitionedRateLimiter<string> _limiter;

    public RegistrationQuota(IOptions<RegistrationOptions> options)
    {
        var quota = options.Value.Quota;
        _limiter = PartitionedRateLimiter.CreateChained(
            PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetFixedWindowLimiter(address, _ => Window(quota.PerAddress, quota.Window))),
            PartitionedRateLimiter.Create<string, string>(_ => RateLimitPartition.GetFixedWindowLimiter(Everyone, _ => Window(quota.Global, quota.Window))));
    }

    /// <summary>Takes a registration permit for <paramref name="address"/>; the wait to announce when there is none.</summary>
    public bool TryTake(IPAddress? address, out TimeSpan retryAfter)
    {
        using var lease = _limiter.AttemptAcquire(ClientAddress.Partition(address));
        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromHours(1);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();

    private static FixedWindowRateLimiterOptions Window(int permits, TimeSpan window) => new()
    {
        PermitLimit = permits,
        Window = window,
        QueueLimit = 0,
    };
}
