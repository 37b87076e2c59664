using McpAspire.AuthServer.Registration.MetadataDocuments;

namespace McpAspire.AuthServer.Tests.Registration;

public sealed class NetworkAddressPolicyTests
{
    [Theory]
    [InlineData("93.184.215.14")]
    [InlineData("8.8.8.8")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("64:ff9b::808:808")]
    public void Public_unicast_addresses_may_be_fetched(string address)
        => Assert.True(NetworkAddressPolicy.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.1.2.3")]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.0.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("fe80::1")]
    [InlineData("fd00::1")]
    [InlineData("ff02::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("64:ff9b::a00:1")]
    public void Loopback_private_link_local_and_reserved_addresses_are_refused(string address)
        => Assert.False(NetworkAddressPolicy.IsPublic(IPAddress.Parse(address)));
}
