using System.Net.Sockets;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The unit every per-address limit of the services counts: an IPv4 address, or an IPv6 /64. One IPv6 subscriber is handed a whole
/// /64 (RFC 6177), so counting /128s would give an attacker 2^64 fresh addresses to rotate through.
/// </summary>
public static class ClientAddress
{
    public static string Partition(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
