using System.Net;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using McpAspire.AuthServer.Tests.Infrastructure;

namespace McpAspire.AuthServer.Tests.Flows;

/// <summary>An auth server with a low token rate limit and one allowed browser origin.</summary>
public sealed class ProtectedAuthServerFixture : AuthServerFixture
{
    public const int TokenPermitLimit = 3;
    public const string AllowedOrigin = "https://app.example";

    protected override void Configure(IDistributedApplicationTestingBuilder builder)
    {
        builder.CreateResourceBuilder<ProjectResource>("auth-server")
            .WithEnvironment("RateLimiting__Token__PermitLimit", TokenPermitLimit.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithEnvironment("RateLimiting__Token__Window", "00:10:00")
            .WithEnvironment("AuthServer__CorsOrigins__0", AllowedOrigin);
    }
}

public sealed class RequestProtectionTests(ProtectedAuthServerFixture fixture) : IClassFixture<ProtectedAuthServerFixture>
{
    [Fact]
    public async Task Token_requests_beyond_the_limit_get_429_with_Retry_After()
    {
        using var http = fixture.CreateClient();
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i <= ProtectedAuthServerFixture.TokenPermitLimit; i++)
        {
            last?.Dispose();
            last = await http.PostAsync("/token", OAuthFlows.Form(("grant_type", "client_credentials"), ("client_id", "nobody")));
            statuses.Add(last.StatusCode);
        }

        Assert.All(statuses.Take(ProtectedAuthServerFixture.TokenPermitLimit), status => Assert.NotEqual(HttpStatusCode.TooManyRequests, status));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        Assert.True(last!.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After is missing.");
        last.Dispose();
    }

    [Fact]
    public async Task The_signing_keys_are_readable_cross_origin_from_a_configured_origin()
    {
        // (The metadata itself is served at the issuer's origin, the MCP server's: its CORS answers there.)
        using var http = fixture.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/.well-known/jwks");
        request.Headers.Add("Origin", ProtectedAuthServerFixture.AllowedOrigin);

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(ProtectedAuthServerFixture.AllowedOrigin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Fact]
    public async Task Another_origin_gets_no_CORS_permission()
    {
        using var http = fixture.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/.well-known/jwks");
        request.Headers.Add("Origin", "https://evil.example");

        using var response = await http.SendAsync(request);

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task A_browser_may_prepare_a_revocation_call_but_not_an_introspection_call()
    {
        using var http = fixture.CreateClient();

        using var revoke = await http.SendAsync(Preflight("/revoke"));
        using var introspect = await http.SendAsync(Preflight("/introspect"));

        Assert.Equal(ProtectedAuthServerFixture.AllowedOrigin, revoke.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.False(introspect.Headers.Contains("Access-Control-Allow-Origin"));
    }

    private static HttpRequestMessage Preflight(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", ProtectedAuthServerFixture.AllowedOrigin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "content-type");
        return request;
    }
}
