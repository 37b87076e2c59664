using System.Security.Cryptography;

namespace McpAspire.McpJenkinsServer.Tests.EndToEnd;

/// <summary>
/// Issue 12, attack 4: a flood of random bearer tokens at /mcp used to make the MCP server introspect each one,
/// until the auth server's limit (then per address: the MCP server's) answered 503 to every user. Now the flood is
/// answered 401 then 429 without reaching the auth server, and a signed-in user keeps working through it.
/// </summary>
[Collection(DistributedApplicationFixture.Collection)]
public sealed class JunkTokenFloodTests(McpAspireAppFixture app)
{
    private const int FloodSize = 1500;
    private const string ListTools = """{"jsonrpc":"2.0","id":1,"method":"tools/list"}""";

    [Fact]
    public async Task A_signed_in_user_keeps_working_while_junk_tokens_flood_the_server()
    {
        await using var user = await OAuthMcpClient.ConnectAsync(app);
        await user.Client.CallToolAsync("get_jenkins_status", new Dictionary<string, object?>());

        // The flood comes from an address of its own (X-Forwarded-For from loopback), so the other tests of the
        // shared app, which call from loopback itself, never meet its per-address limit.
        using var http = app.CreateHttpClient(DistributedApplicationFixture.McpServer);
        var statuses = new System.Collections.Concurrent.ConcurrentBag<HttpStatusCode>();
        var flood = Task.WhenAll(Enumerable.Range(0, 8).Select(async worker =>
        {
            for (var i = worker; i < FloodSize; i += 8)
            {
                using var response = await PostAsync(http, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
                statuses.Add(response.StatusCode);
            }
        }));

        // The user's calls while the flood runs, and once it is over.
        var during = new List<CallToolResult>();
        while (!flood.IsCompleted)
        {
            during.Add(await user.Client.CallToolAsync("get_jenkins_status", new Dictionary<string, object?>()));
        }

        await flood;
        var after = await user.Client.CallToolAsync("get_jenkins_status", new Dictionary<string, object?>());
        // From the flooding address itself: a token seen active still passes (and is still introspected), an
        // unknown one is refused unchecked.
        using var sameAddressUser = await PostAsync(http, user.Tokens.Tokens!.AccessToken);
        using var sameAddressJunk = await PostAsync(http, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));

        Assert.Equal(FloodSize, statuses.Count);
        Assert.DoesNotContain(HttpStatusCode.ServiceUnavailable, statuses);
        Assert.All(statuses, status => Assert.True(status is HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests, status.ToString()));
        // Only the first few junk tokens of the address reach introspection (Mcp:TokenScreening, 30 a minute).
        Assert.InRange(statuses.Count(status => status == HttpStatusCode.Unauthorized), 1, 60);
        Assert.NotEmpty(during);
        Assert.All(during, result => Assert.NotEqual(true, result.IsError));
        Assert.NotEqual(true, after.IsError);
        Assert.Equal(HttpStatusCode.OK, sameAddressUser.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, sameAddressJunk.StatusCode);
        Assert.True(sameAddressJunk.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After is missing.");
    }

    [Fact]
    public async Task A_refused_token_sent_again_is_refused_as_invalid_token()
    {
        using var http = app.CreateHttpClient(DistributedApplicationFixture.McpServer);
        var junk = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

        using var first = await PostAsync(http, junk);
        using var again = await PostAsync(http, junk);

        Assert.Equal(HttpStatusCode.Unauthorized, first.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
        Assert.Contains("error=\"invalid_token\"", again.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_first_contact_challenge_asks_for_read_access_only()
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, app.McpUrl) { Content = new StringContent(ListTools, Encoding.UTF8, "application/json") };
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("scope=\"mcp:read\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    private Task<HttpResponseMessage> PostAsync(HttpClient http, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, app.McpUrl) { Content = new StringContent(ListTools, Encoding.UTF8, "application/json") };
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http.SendAsync(request);
    }
}
