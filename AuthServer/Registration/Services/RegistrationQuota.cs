using System.Net;
using McpAspire.AuthServer.Persistence.Coordination;

namespace McpAspire.AuthServer.Registration.Services;

/// <summary>
/// The registration quotas (<see cref="RegistrationQuotaOptions"/>): a permit per registration from the caller's
/// address (IPv6 per /64), then one from everyone's shared window, so a flood from many addresses is bounded too.
/// </summary>
/// <remarks>
/// Counted in DynamoDB (<see cref="DynamoDbQuotaWindows"/>), shared by every replica rather than divided between
/// them: the windows are long (a day by default) and the limits small next to them, so a per-replica share would
/// refuse a client early whenever a load balancer sends its registrations mostly to one replica, and the overall
/// bound on what strangers may write to our storage would grow with each replica added. A registration already
/// writes a DynamoDB transaction; the quota adds two conditional UpdateItems. The address's permit is taken first:
/// an address whose own quota is used up is refused without touching everyone's, so it cannot spend that for others.
/// </remarks>
public sealed class RegistrationQuota(IOptions<RegistrationOptions> options, DynamoDbQuotaWindows windows, TimeProvider time)
{
    private const string Everyone = "registration|everyone";

    /// <summary>Takes a registration permit for <paramref name="address"/>; null when taken, else the wait to announce.</summary>
    public async Task<TimeSpan?> TryTakeAsync(IPAddress? address, CancellationToken cancellationToken)
    {
        var quota = options.Value.Quota;
        var now = time.GetUtcNow();
        var taken = await windows.TryTakeAsync("registration|address|" + ClientAddress.Partition(address), quota.PerAddress, quota.Window, now, cancellationToken)
            && await windows.TryTakeAsync(Everyone, quota.Global, quota.Window, now, cancellationToken);
        return taken ? null : DynamoDbQuotaWindows.WindowOf(now, quota.Window).End - now;
    }
}
