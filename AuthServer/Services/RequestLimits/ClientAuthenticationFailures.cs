using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace McpAspire.AuthServer.Services.RequestLimits;

/// <summary>
/// Failed client authentications per address (<see cref="ClientAddress"/>), in fixed windows
/// (<c>RateLimiting:FailedClientAuthentication</c>). Each failure takes a permit; an address with none left is
/// refused before its next secret is checked. ASP.NET Core's limiter does the counting and forgets idle addresses.
/// </summary>
public sealed class ClientAuthenticationFailures : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public ClientAuthenticationFailures(IOptionsMonitor<RateLimitOptions> options)
    {
        _limiter = PartitionedRateLimiter.Create<string, string>(address =>
        {
            var limit = options.CurrentValue.FailedClientAuthentication;
            return RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = limit.PermitLimit,
                Window = limit.Window,
                QueueLimit = 0,
            });
        });
    }

    public void Record(string address)
    {
        using var _ = _limiter.AttemptAcquire(address);
    }

    /// <summary>Whether <paramref name="address"/> has used up its failures; asking takes nothing.</summary>
    public bool IsBlocked(string address, out TimeSpan retryAfter)
    {
        using var lease = _limiter.AttemptAcquire(address, permitCount: 0);
        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.Zero;
        return !lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
