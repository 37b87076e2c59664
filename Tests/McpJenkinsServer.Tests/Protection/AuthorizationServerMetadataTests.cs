using McpAspire.McpJenkinsServer.Discovery;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace McpAspire.McpJenkinsServer.Tests.Protection;

/// <summary>
/// The MCP server serving the authorization server's metadata at the issuer's well-known URLs (the issuer being
/// its own resource URL), with a stand-in for the authorization server: it serves the document as it is, only
/// there, and never one that names another issuer (RFC 8414 §3.3).
/// </summary>
public sealed class AuthorizationServerMetadataTests
{
    private const string Issuer = "http://localhost/mcp";

    [Fact]
    public async Task The_document_is_served_unchanged_at_the_three_well_known_forms_of_the_issuer_and_nowhere_else()
    {
        var document = $$"""{"issuer":"{{Issuer}}","authorization_endpoint":"http://auth.test/authorize"}""";
        await using var factory = new Factory(HttpStatusCode.OK, document);
        using var http = factory.CreateClient();

        foreach (var path in new[] { "/.well-known/oauth-authorization-server/mcp", "/.well-known/openid-configuration/mcp", "/mcp/.well-known/openid-configuration" })
        {
            using var response = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(document, await response.Content.ReadAsStringAsync());
        }

        using var root = await http.GetAsync("/.well-known/oauth-authorization-server");
        Assert.Equal(HttpStatusCode.NotFound, root.StatusCode);
    }

    [Theory]
    [InlineData(HttpStatusCode.OK, """{"issuer":"http://localhost:5101/"}""")]
    [InlineData(HttpStatusCode.OK, """{"authorization_endpoint":"http://auth.test/authorize"}""")]
    [InlineData(HttpStatusCode.OK, "not json")]
    [InlineData(HttpStatusCode.NotFound, "")]
    public async Task A_document_naming_another_issuer_or_none_is_a_502_never_served(HttpStatusCode upstream, string body)
    {
        await using var factory = new Factory(upstream, body);
        using var http = factory.CreateClient();

        using var response = await http.GetAsync("/.well-known/oauth-authorization-server/mcp");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.DoesNotContain("5101", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable, false, 2)] // a failing auth server: one retry
    [InlineData(HttpStatusCode.OK, true, 2)]                   // one that accepts and never answers: each attempt given up
    [InlineData(HttpStatusCode.NotFound, false, 1)]            // not transient: no retry
    public async Task An_auth_server_that_fails_is_asked_again_once_at_most_and_then_the_answer_is_a_502(HttpStatusCode upstream, bool hang, int expectedCalls)
    {
        // The ServiceDefaults' standard handler asked four times, over up to 30 s, before the client got its answer.
        await using var factory = new Factory(upstream, "", hang);
        using var http = factory.CreateClient();

        using var response = await http.GetAsync("/.well-known/oauth-authorization-server/mcp");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal(expectedCalls, factory.AuthServer.Calls);
    }

    [Fact]
    public void The_well_known_paths_follow_RFC_8414_and_OpenID_Connect_Discovery()
    {
        Assert.Equal(
            ["/.well-known/oauth-authorization-server/mcp", "/.well-known/openid-configuration/mcp", "/mcp/.well-known/openid-configuration"],
            AuthorizationServerMetadataApi.WellKnownPaths(new Uri("https://host/mcp")));
        Assert.Equal(
            ["/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"],
            AuthorizationServerMetadataApi.WellKnownPaths(new Uri("https://host")));
    }

    private sealed class Factory(HttpStatusCode status, string body, bool hang = false) : WebApplicationFactory<Program>
    {
        public StandIn AuthServer { get; } = new(status, body, hang);

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("AuthServer:Issuer", Issuer);
            builder.UseSetting("AuthServer:MetadataEndpoint", "http://auth.test/authorization-server-metadata");
            builder.UseSetting("AuthServer:IntrospectionEndpoint", "http://127.0.0.1:9/introspect");
            builder.UseSetting("AuthServer:IntrospectionClientId", "mcp-server");
            builder.UseSetting("AuthServer:IntrospectionClientSecret", "an-introspection-secret-for-tests");
            builder.UseSetting("Mcp:ResourceUrl", Issuer);
            builder.UseSetting("Jenkins:Url", "http://127.0.0.1:9/");
            builder.UseSetting("Jenkins:User", "mcp-bot");
            builder.UseSetting("Jenkins:ApiToken", "a-jenkins-token-for-tests");
            builder.ConfigureServices(services => services
                .AddHttpClient(nameof(AuthorizationServerMetadataApi))
                .ConfigurePrimaryHttpMessageHandler(() => AuthServer));
        }
    }

    /// <summary>
    /// The authorization server's metadata endpoint, answering one fixed response (or, hanging, none until given up),
    /// counting the requests.
    /// </summary>
    private sealed class StandIn(HttpStatusCode status, string body, bool hang) : HttpMessageHandler
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Assert.Equal("/authorization-server-metadata", request.RequestUri?.AbsolutePath);
            Interlocked.Increment(ref _calls);
            if (hang)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            return new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        }
    }
}
