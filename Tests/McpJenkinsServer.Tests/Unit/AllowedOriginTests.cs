using McpAspire.McpJenkinsServer.Model;

namespace McpAspire.McpJenkinsServer.Tests.Unit;

public sealed class AllowedOriginTests
{
    private static readonly McpResourceOptions Loopback = new() { ResourceUrl = new("http://localhost:5000/mcp"), AllowedOrigins = ["https://app.example.test/"] };
    private static readonly McpResourceOptions Public = new() { ResourceUrl = new("https://mcp.example.test/mcp"), AllowedOrigins = ["https://app.example.test"] };

    [Theory]
    [InlineData("http://localhost:5000")]
    [InlineData("https://app.example.test")]
    [InlineData("http://localhost:6274")]
    [InlineData("http://127.0.0.1:5173")]
    [InlineData("http://[::1]:8080")]
    [InlineData("https://localhost")]
    [InlineData("http://LOCALHOST:3000")]
    public void A_loopback_server_allows_its_own_configured_and_any_loopback_origin(string origin)
        => Assert.True(Loopback.AllowsOrigin(origin));

    [Theory]
    [InlineData("http://evil.test")]
    [InlineData("http://localhost.evil.test")]
    [InlineData("http://127.0.0.1.evil.test:5000")]
    [InlineData("null")]
    [InlineData("")]
    [InlineData("file://")]
    [InlineData("ftp://localhost")]
    [InlineData("http://localhost:5000/mcp")]
    [InlineData("https://app.example.test.evil.test")]
    public void A_loopback_server_refuses_foreign_lookalike_and_malformed_origins(string origin)
        => Assert.False(Loopback.AllowsOrigin(origin));

    [Theory]
    [InlineData("https://mcp.example.test", true)]
    [InlineData("https://app.example.test", true)]
    [InlineData("http://localhost:6274", false)]
    [InlineData("http://127.0.0.1:5173", false)]
    [InlineData("http://mcp.example.test", false)]
    public void A_public_server_allows_only_its_own_and_configured_origins(string origin, bool allowed)
        => Assert.Equal(allowed, Public.AllowsOrigin(origin));
}
