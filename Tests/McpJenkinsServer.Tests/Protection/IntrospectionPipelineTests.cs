using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace McpAspire.McpJenkinsServer.Tests.Protection;

/// <summary>
/// The introspection call made for every MCP request has one resilience pipeline, OpenIddict's (5 s in all, one retry
/// of a transient failure), and not the ServiceDefaults' standard handler on top of it (issue 16: that stack cost the
/// MCP server more CPU per call than it gave). Counted at a stand-in auth server, never timed.
/// </summary>
public sealed class IntrospectionPipelineTests(McpServerFactory factory) : IClassFixture<McpServerFactory>
{
    [Theory]
    [InlineData(HttpStatusCode.InternalServerError, 2)] // a failing auth server: one retry
    [InlineData(HttpStatusCode.ServiceUnavailable, 2)]
    [InlineData(HttpStatusCode.TooManyRequests, 2)]
    [InlineData(HttpStatusCode.BadRequest, 1)]          // not transient: no retry
    public async Task A_failed_introspection_is_retried_once_when_transient_and_never_lets_the_request_through(HttpStatusCode answer, int expectedCalls)
    {
        await using var authServer = await StandInAuthServer.StartAsync(answer);
        await using var server = factory.WithWebHostBuilder(builder =>
            builder.UseSetting("AuthServer:IntrospectionEndpoint", authServer.IntrospectionEndpoint));
        using var client = server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/mcp")
        {
            Content = new StringContent(
                """{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", Encoding.UTF8, "application/json"),
            Headers =
            {
                Accept = { new("application/json"), new("text/event-stream") },
                Authorization = new AuthenticationHeaderValue("Bearer", "some-opaque-reference-token"),
            },
        };

        using var response = await client.SendAsync(request);

        Assert.Equal(expectedCalls, authServer.Calls);
        Assert.False(response.IsSuccessStatusCode);
        if ((int)answer >= 500)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        }
    }

    [Fact]
    public async Task An_auth_server_that_limits_introspection_is_a_503_and_the_token_is_not_remembered_as_refused()
    {
        // What our auth server answers a resource server over its introspection quota (LimitIntrospectionPerClient).
        await using var authServer = await StandInAuthServer.StartAsync(HttpStatusCode.TooManyRequests, """{"error":"temporarily_unavailable"}""");
        await using var server = factory.WithWebHostBuilder(builder =>
            builder.UseSetting("AuthServer:IntrospectionEndpoint", authServer.IntrospectionEndpoint));
        using var client = server.CreateClient();

        using var first = await client.SendAsync(ToolsList("a-token-the-auth-server-had-no-time-for"));
        using var second = await client.SendAsync(ToolsList("a-token-the-auth-server-had-no-time-for"));

        // The token may well be valid: a 401 would send the user through sign-in again for nothing.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, second.StatusCode);
        Assert.Equal(4, authServer.Calls); // asked again the second time (each with its one retry), not screened out
    }

    private static HttpRequestMessage ToolsList(string token) => new(HttpMethod.Post, "/mcp")
    {
        Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", Encoding.UTF8, "application/json"),
        Headers =
        {
            Accept = { new("application/json"), new("text/event-stream") },
            Authorization = new AuthenticationHeaderValue("Bearer", token),
        },
    };

    /// <summary>An auth server on a loopback port that answers every introspection with one status and counts them.</summary>
    private sealed class StandInAuthServer : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private int _calls;

        private StandInAuthServer(WebApplication app) => _app = app;

        public int Calls => Volatile.Read(ref _calls);

        public string IntrospectionEndpoint => _app.Urls.Single().TrimEnd('/') + "/introspect";

        public static async Task<StandInAuthServer> StartAsync(HttpStatusCode answer, string? json = null)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var server = new StandInAuthServer(app);
            app.MapPost("/introspect", () =>
            {
                Interlocked.Increment(ref server._calls);
                return json is null ? Results.StatusCode((int)answer) : Results.Content(json, "application/json", Encoding.UTF8, (int)answer);
            });
            await app.StartAsync();
            return server;
        }

        public ValueTask DisposeAsync() => _app.DisposeAsync();
    }
}
