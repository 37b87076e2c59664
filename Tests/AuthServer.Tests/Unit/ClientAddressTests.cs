namespace McpAspire.AuthServer.Tests.Unit;

public sealed class ClientAddressTests
{
    [Theory]
    [InlineData("192.0.2.7", "192.0.2.7")]
    [InlineData("::ffff:192.0.2.7", "192.0.2.7")]
    [InlineData("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::ffff", "2001:db8:1:2::/64")]
    [InlineData("::1", "::/64")]
    public void Limits_count_ipv4_addresses_and_ipv6_64_bit_prefixes(string address, string partition)
        => Assert.Equal(partition, Microsoft.Extensions.Hosting.ClientAddress.Partition(IPAddress.Parse(address)));

    [Fact]
    public void A_request_without_an_address_counts_as_one_unknown_caller()
        => Assert.Equal("unknown", Microsoft.Extensions.Hosting.ClientAddress.Partition(null));
}
