using McpAspire.AuthServer.Discovery;

namespace McpAspire.AuthServer.Tests.Unit;

public sealed class IssuerMetadataLocationTests
{
    [Fact]
    public void An_issuer_on_this_servers_origin_is_served_at_its_own_well_known_URLs()
    {
        Assert.Equal(
            ["/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"],
            IssuerMetadataLocation.ConfigurationEndpointPaths(new Uri("http://localhost:5101/"), publicUrl: null));
        Assert.Equal(
            ["/.well-known/oauth-authorization-server/tenant", "/.well-known/openid-configuration/tenant", "/tenant/.well-known/openid-configuration"],
            IssuerMetadataLocation.ConfigurationEndpointPaths(new Uri("https://auth.example/tenant"), new Uri("https://auth.example/")));
    }

    [Fact]
    public void An_issuer_on_another_origin_is_served_here_only_at_a_path_no_client_builds_from_an_issuer()
    {
        // The AppHost: the issuer is the MCP server's URL; its origin serves the well-known URLs.
        Assert.Equal(
            [IssuerMetadataLocation.ForwardedPath],
            IssuerMetadataLocation.ConfigurationEndpointPaths(new Uri("http://localhost:5102/mcp"), new Uri("http://localhost:5101/")));
        Assert.DoesNotContain(".well-known", IssuerMetadataLocation.ForwardedPath, StringComparison.Ordinal);
    }
}
