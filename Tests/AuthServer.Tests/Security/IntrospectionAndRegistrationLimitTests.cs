using McpAspire.AuthServer.Registration.Services;
using McpAspire.AuthServer.Tests.Persistence;

namespace McpAspire.AuthServer.Tests.Security;

/// <summary>
/// Limits that need low settings to be reached in a test, on the auth server's real Program in process: the
/// per-client introspection limit, the refusal of an address that keeps failing client authentication, and the
/// registration quota.
/// </summary>
public sealed class IntrospectionAndRegistrationLimitTests(DynamoDbLocalFixture dynamoDb) : IClassFixture<DynamoDbLocalFixture>
{
    private const int IntrospectionLimit = 3;
    private const int FailureLimit = 2;
    private const int RegistrationQuota = 2;

    private static readonly string ClassPrefix = TablePrefix.New("limits");
    private readonly string _introspectionSecret = DistributedApplicationTestFactory.RandomSecret();

    private async Task<InProcessAuthServer> StartServerAsync()
    {
        await dynamoDb.ProvisionAsync(ClassPrefix);
        return new InProcessAuthServer(dynamoDb, ClassPrefix, new Dictionary<string, string?>
        {
            ["McpServer:IntrospectionClientSecret"] = _introspectionSecret,
            ["RateLimiting:Introspect:PermitLimit"] = IntrospectionLimit.ToString(CultureInfo.InvariantCulture),
            ["RateLimiting:Introspect:Window"] = "00:10:00",
            ["RateLimiting:FailedClientAuthentication:PermitLimit"] = FailureLimit.ToString(CultureInfo.InvariantCulture),
            ["RateLimiting:FailedClientAuthentication:Window"] = "00:10:00",
            ["Registration:Quota:PerAddress"] = RegistrationQuota.ToString(CultureInfo.InvariantCulture),
        });
    }

    [Fact]
    public async Task The_resource_server_is_limited_per_client_with_429_and_Retry_After()
    {
        await using var server = await StartServerAsync();
        using var http = server.CreateClientWithoutRedirects();

        var (statuses, last) = await InProcessAuthServer.SendRepeatedlyAsync(IntrospectionLimit + 1, () => http.SendAsync(Introspection(_introspectionSecret)));

        Assert.All(statuses.Take(IntrospectionLimit), status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        Assert.True(last.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After is missing.");
        Assert.Equal("temporarily_unavailable", JsonDocument.Parse(await last.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());
        last.Dispose();
    }

    [Fact]
    public async Task An_address_that_keeps_guessing_a_client_secret_is_refused_before_its_next_guess_is_checked()
    {
        await using var server = await StartServerAsync();
        using var http = server.CreateClientWithoutRedirects();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i <= FailureLimit; i++)
        {
            using var guess = await http.SendAsync(Introspection("guess-" + i));
            statuses.Add(guess.StatusCode);
        }

        Assert.All(statuses.Take(FailureLimit), status => Assert.Equal(HttpStatusCode.Unauthorized, status));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
    }

    [Fact]
    public async Task Registrations_beyond_the_quota_get_429()
    {
        await using var server = await StartServerAsync();
        using var http = server.CreateClientWithoutRedirects();

        var (statuses, last) = await InProcessAuthServer.SendRepeatedlyAsync(RegistrationQuota + 1, () => http.PostAsync("/register", new StringContent(
            """{"redirect_uris":["http://127.0.0.1/callback"],"token_endpoint_auth_method":"none"}""", Encoding.UTF8, "application/json")));

        Assert.All(statuses.Take(RegistrationQuota), status => Assert.Equal(HttpStatusCode.Created, status));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        Assert.True(last.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After is missing.");
        Assert.Equal("temporarily_unavailable", JsonDocument.Parse(await last.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());
        last.Dispose();
    }

    private static HttpRequestMessage Introspection(string secret) => new(HttpMethod.Post, "/introspect")
    {
        Content = OAuthFlows.Form(("token", "not-a-token")),
        Headers =
        {
            Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(
                Encoding.UTF8.GetBytes($"{DistributedApplicationFixture.IntrospectionClientId}:{Uri.EscapeDataString(secret)}"))),
        },
    };
}
