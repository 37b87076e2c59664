using System.Diagnostics;
using System.Net.Http.Json;

namespace McpAspire.McpJenkinsServer.Tests.Protection;

public sealed class McpProtectionTests(McpServerFactory factory) : IClassFixture<McpServerFactory>
{
    private const string MetadataUrl = "http://localhost/.well-known/oauth-protected-resource/mcp";

    private static HttpRequestMessage Initialize() => new(HttpMethod.Post, "/mcp")
    {
        Content = new StringContent(
            """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""",
            Encoding.UTF8, "application/json"),
        Headers = { Accept = { new("application/json"), new("text/event-stream") } },
    };

    [Fact]
    public async Task A_request_without_a_token_gets_401_naming_the_metadata_and_the_scopes_but_no_error()
    {
        using var client = factory.CreateClient();
        using var response = await client.SendAsync(Initialize());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        // Read access only on first contact: write access is asked for by the step-up a write tool's 403 offers.
        Assert.Equal($"Bearer resource_metadata=\"{MetadataUrl}\", scope=\"mcp:read\"", Challenge(response));
        Assert.Empty(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_basic_authorization_header_counts_as_no_token()
    {
        using var client = factory.CreateClient();
        using var request = Initialize();
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("u:p"u8.ToArray()));
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain("error=", Challenge(response), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/.well-known/oauth-protected-resource/mcp")]
    [InlineData("/.well-known/oauth-protected-resource")]
    public async Task Protected_resource_metadata_names_the_canonical_resource_the_issuer_and_the_scopes(string path)
    {
        using var client = factory.CreateClient();
        using var metadata = JsonDocument.Parse(await client.GetStringAsync(path));

        var root = metadata.RootElement;
        Assert.Equal(McpServerFactory.ResourceUrl, root.GetProperty("resource").GetString());
        Assert.Equal([McpServerFactory.Issuer], root.GetProperty("authorization_servers").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["mcp:read", "mcp:write"], root.GetProperty("scopes_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["header"], root.GetProperty("bearer_methods_supported").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Metadata_is_not_invented_for_resources_this_server_does_not_have()
    {
        using var client = factory.CreateClient();
        using var response = await client.GetAsync("/.well-known/oauth-protected-resource/admin");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task A_foreign_origin_is_refused_with_403_before_anything_else()
    {
        using var client = factory.CreateClient();
        using var request = Initialize();
        request.Headers.Add("Origin", "http://evil.test");
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(response.Headers.WwwAuthenticate);
    }

    [Theory]
    [InlineData(McpServerFactory.AllowedOrigin)]
    [InlineData("http://localhost")]
    public async Task Configured_and_own_origins_pass_on_to_authentication(string origin)
    {
        using var client = factory.CreateClient();
        using var request = Initialize();
        request.Headers.Add("Origin", origin);
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_token_that_cannot_be_introspected_because_the_auth_server_is_down_gets_503_and_no_data()
    {
        using var client = factory.CreateClient();
        client.Timeout = TimeSpan.FromMinutes(2);
        using var request = Initialize();
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "some-opaque-reference-token");

        var clock = Stopwatch.StartNew();
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Empty(await response.Content.ReadAsStringAsync());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
    }

    private static string Challenge(HttpResponseMessage response)
        => Assert.Single(response.Headers.NonValidated["WWW-Authenticate"]);

    [Fact]
    public async Task Health_endpoints_stay_open_without_a_token()
    {
        using var client = factory.CreateClient();
        using var response = await client.GetAsync("/alive");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
