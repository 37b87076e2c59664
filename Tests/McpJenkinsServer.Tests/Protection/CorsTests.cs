using Microsoft.AspNetCore.Hosting;

namespace McpAspire.McpJenkinsServer.Tests.Protection;

/// <summary>
/// Browser-based clients: CORS preflights on /mcp answered for allowed origins (loopback ones while the server is on
/// loopback, configured ones always) with the MCP headers allowed and exposed; foreign origins still refused with 403;
/// the RFC 9728 metadata readable across origins.
/// </summary>
public sealed class CorsTests(McpServerFactory factory) : IClassFixture<McpServerFactory>
{
    private const string LoopbackOrigin = "http://127.0.0.1:6274";
    private static readonly string[] RequestedHeaders = ["authorization", "content-type", "mcp-protocol-version", "mcp-session-id", "last-event-id"];
    private static readonly string[] ExposedHeaders = ["WWW-Authenticate", "Mcp-Session-Id", "Mcp-Protocol-Version"];

    [Fact]
    public async Task A_preflight_from_a_loopback_origin_is_answered_204_with_the_mcp_headers_allowed()
    {
        using var client = factory.CreateClient();
        using var response = await client.SendAsync(Preflight("/mcp", LoopbackOrigin, "POST", RequestedHeaders));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(LoopbackOrigin, Header(response, "Access-Control-Allow-Origin"));
        Assert.Equal("GET,POST,DELETE", Header(response, "Access-Control-Allow-Methods"));
        Assert.Equal(RequestedHeaders, Header(response, "Access-Control-Allow-Headers").Split(',').Select(h => h.ToLowerInvariant()));
        Assert.Equal("600", Header(response, "Access-Control-Max-Age"));
        Assert.False(response.Headers.Contains("Access-Control-Allow-Credentials"));
        Assert.Empty(response.Headers.WwwAuthenticate);
    }

    [Fact]
    public async Task A_cross_origin_401_exposes_the_challenge_and_the_mcp_headers_to_the_page()
    {
        using var client = factory.CreateClient();
        using var request = Initialize();
        request.Headers.Add("Origin", LoopbackOrigin);
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(LoopbackOrigin, Header(response, "Access-Control-Allow-Origin"));
        Assert.Equal(ExposedHeaders, Header(response, "Access-Control-Expose-Headers").Split(','));
        Assert.NotEmpty(response.Headers.WwwAuthenticate);
    }

    [Theory]
    [InlineData("http://evil.test")]
    [InlineData("http://localhost.evil.test")]
    public async Task A_preflight_from_a_foreign_origin_is_refused_with_403_and_no_cors_headers(string origin)
    {
        using var client = factory.CreateClient();
        using var response = await client.SendAsync(Preflight("/mcp", origin, "POST", RequestedHeaders));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Theory]
    [InlineData("/.well-known/oauth-protected-resource/mcp")]
    [InlineData("/.well-known/oauth-protected-resource")]
    public async Task The_resource_metadata_is_readable_from_a_loopback_origin_and_its_preflight_answered(string path)
    {
        using var client = factory.CreateClient();
        using var preflight = await client.SendAsync(Preflight(path, LoopbackOrigin, "GET", ["mcp-protocol-version"]));
        using var request = new HttpRequestMessage(HttpMethod.Get, path) { Headers = { { "Origin", LoopbackOrigin } } };
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, preflight.StatusCode);
        Assert.Equal(LoopbackOrigin, Header(preflight, "Access-Control-Allow-Origin"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(LoopbackOrigin, Header(response, "Access-Control-Allow-Origin"));
        Assert.Contains("Origin", Header(response, "Vary"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_resource_metadata_is_public_but_not_readable_by_a_foreign_page()
    {
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/.well-known/oauth-protected-resource/mcp") { Headers = { { "Origin", "http://evil.test" } } };
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task A_server_on_a_public_host_refuses_loopback_origins_and_answers_configured_ones()
    {
        using var publicServer = factory.WithWebHostBuilder(builder => builder.UseSetting("Mcp:ResourceUrl", "http://mcp.example.test/mcp"));
        using var client = publicServer.CreateClient();

        using var loopback = await client.SendAsync(Preflight("/mcp", LoopbackOrigin, "POST", RequestedHeaders));
        using var configured = await client.SendAsync(Preflight("/mcp", McpServerFactory.AllowedOrigin, "POST", RequestedHeaders));

        Assert.Equal(HttpStatusCode.Forbidden, loopback.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, configured.StatusCode);
        Assert.Equal(McpServerFactory.AllowedOrigin, Header(configured, "Access-Control-Allow-Origin"));
    }

    private static HttpRequestMessage Preflight(string path, string origin, string method, string[] headers) => new(HttpMethod.Options, path)
    {
        Headers =
        {
            { "Origin", origin },
            { "Access-Control-Request-Method", method },
            { "Access-Control-Request-Headers", string.Join(',', headers) },
        },
    };

    private static HttpRequestMessage Initialize() => new(HttpMethod.Post, "/mcp")
    {
        Content = new StringContent(
            """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""",
            Encoding.UTF8, "application/json"),
        Headers = { Accept = { new("application/json"), new("text/event-stream") } },
    };

    private static string Header(HttpResponseMessage response, string name)
        => string.Join(',', response.Headers.NonValidated[name]);
}
