using McpAspire.AuthServer.Tests.Persistence;

namespace McpAspire.AuthServer.Tests.Flows;

/// <summary>
/// The rate limiter and CORS, on an auth server in process with a low token rate limit and one allowed browser
/// origin: settings the shared AppHost cannot take without changing them for every other test.
/// </summary>
public sealed class RequestProtectionTests(DynamoDbLocalFixture dynamoDb) : IClassFixture<DynamoDbLocalFixture>
{
    public const int TokenPermitLimit = 3;
    public const string AllowedOrigin = "https://app.example";

    // One set of tables for the class; each test starts a server (and so rate-limit counters) of its own.
    private static readonly string ClassPrefix = TablePrefix.New("protection");

    private async Task<InProcessAuthServer> StartServerAsync()
    {
        await dynamoDb.ProvisionAsync(ClassPrefix);
        return new InProcessAuthServer(dynamoDb, ClassPrefix, new Dictionary<string, string?>
        {
            ["RateLimiting:Token:PermitLimit"] = TokenPermitLimit.ToString(CultureInfo.InvariantCulture),
            ["RateLimiting:Token:Window"] = "00:10:00",
            ["AuthServer:CorsOrigins:0"] = AllowedOrigin,
        });
    }

    [Fact]
    public async Task Token_requests_beyond_the_limit_get_429_with_Retry_After()
    {
        await using var server = await StartServerAsync();
        using var http = server.CreateClientWithoutRedirects();
        var (statuses, last) = await InProcessAuthServer.SendRepeatedlyAsync(TokenPermitLimit + 1, () => http.PostAsync("/token", OAuthFlows.Form(("grant_type", "client_credentials"), ("client_id", "nobody"))));

        Assert.All(statuses.Take(TokenPermitLimit), status => Assert.NotEqual(HttpStatusCode.TooManyRequests, status));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        Assert.True(last.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After is missing.");
        last.Dispose();
    }

    [Fact]
    public async Task The_signing_keys_are_readable_cross_origin_from_a_configured_origin()
    {
        await using var server = await StartServerAsync();
        using var http = server.CreateClientWithoutRedirects();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/.well-known/jwks");
        request.Headers.Add("Origin", AllowedOrigin);

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(AllowedOrigin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Fact]
    public async Task Another_origin_gets_no_CORS_permission()
    {
        await using var server = await StartServerAsync();
        using var http = server.CreateClientWithoutRedirects();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/.well-known/jwks");
        request.Headers.Add("Origin", "https://evil.example");

        using var response = await http.SendAsync(request);

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task A_browser_may_prepare_a_revocation_call_but_not_an_introspection_call()
    {
        await using var server = await StartServerAsync();
        using var http = server.CreateClientWithoutRedirects();

        using var revoke = await http.SendAsync(Preflight("/revoke"));
        using var introspect = await http.SendAsync(Preflight("/introspect"));

        Assert.Equal(AllowedOrigin, revoke.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.False(introspect.Headers.Contains("Access-Control-Allow-Origin"));
    }

    private static HttpRequestMessage Preflight(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", AllowedOrigin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "content-type");
        return request;
    }
}
