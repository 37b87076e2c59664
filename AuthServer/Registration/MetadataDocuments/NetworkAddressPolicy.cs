using System.Net;
using System.Net.Sockets;

namespace McpAspire.AuthServer.Registration.MetadataDocuments;

/// <summary>
/// Which addresses the server may connect to when it fetches a URL a stranger chose (SSRF defence): only
/// public unicast addresses. Loopback, private, link-local (cloud metadata at 169.254.169.254), carrier-grade
/// NAT, unique-local, multicast and reserved ranges are refused. .NET has no such classification; the ranges
/// are the IANA special-purpose registries'.
/// </summary>
public static class NetworkAddressPolicy
{
    private static readonly IPNetwork[] NonPublic =
    [
        IPNetwork.Parse("0.0.0.0/8"),         // "this network"
        IPNetwork.Parse("10.0.0.0/8"),        // private
        IPNetwork.Parse("100.64.0.0/10"),     // carrier-grade NAT
        IPNetwork.Parse("127.0.0.0/8"),       // loopback
        IPNetwork.Parse("169.254.0.0/16"),    // link-local, cloud instance metadata
        IPNetwork.Parse("172.16.0.0/12"),     // private
        IPNetwork.Parse("192.0.0.0/24"),      // IETF protocol assignments
        IPNetwork.Parse("192.0.2.0/24"),      // documentation
        IPNetwork.Parse("192.168.0.0/16"),    // private
        IPNetwork.Parse("198.18.0.0/15"),     // benchmarking
        IPNetwork.Parse("198.51.100.0/24"),   // documentation
        IPNetwork.Parse("203.0.113.0/24"),    // documentation
        IPNetwork.Parse("224.0.0.0/4"),       // multicast
        IPNetwork.Parse("240.0.0.0/4"),       // reserved, broadcast
        IPNetwork.Parse("::/128"),            // unspecified
        IPNetwork.Parse("::1/128"),           // loopback
        IPNetwork.Parse("64:ff9b:1::/48"),    // local-use NAT64
        IPNetwork.Parse("100::/64"),          // discard
        IPNetwork.Parse("2001:db8::/32"),     // documentation
        IPNetwork.Parse("fc00::/7"),          // unique local
        IPNetwork.Parse("fe80::/10"),         // link-local
        IPNetwork.Parse("ff00::/8"),          // multicast
    ];

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");

    /// <summary>Whether <paramref name="address"/> is a public unicast address the server may connect to.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        // NAT64 embeds an IPv4 address in its last four bytes: judge that one.
        if (Nat64.Contains(address))
        {
            address = new IPAddress(address.GetAddressBytes()[12..]);
        }

        return address.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6
            && !NonPublic.Any(network => network.Contains(address));
    }
}
