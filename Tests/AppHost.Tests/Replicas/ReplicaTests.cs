using McpAspire.AuthServer.Tests.Infrastructure;

namespace McpAspire.AppHost.Tests.Replicas;

/// <summary>
/// Issue 18: every service as two replicas on one empty DynamoDB, with requests sent to the replica each step names.
/// Nothing may be lost, doubled or weakened: a grant, a revocation, a replayed refresh token and a sign-in lockout
/// mean the same whichever replica sees them.
/// </summary>
[Collection(ReplicasGroup.Name)]
public sealed class ReplicaTests(ReplicasFixture fixture) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    private IReadOnlyList<Replica> _auth = [];
    private IReadOnlyList<Replica> _mcp = [];

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        _auth = await fixture.ReplicasAsync(DistributedApplicationFixture.AuthServer, ReplicasFixture.Replicas, timeout.Token);
        _mcp = await fixture.ReplicasAsync(DistributedApplicationFixture.McpServer, ReplicasFixture.Replicas, timeout.Token);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task Both_replicas_of_each_service_start_together_on_an_empty_DynamoDB_and_seed_the_MCP_servers_client_once()
    {
        Assert.Equal(2, _auth.Select(replica => replica.Url.Port).Distinct().Count());
        Assert.Equal(2, _mcp.Select(replica => replica.Url.Port).Distinct().Count());
        Assert.All(_auth.Concat(_mcp), replica => Assert.Equal("2", replica.Environment["Scaling__Replicas"]));

        // Both auth-server replicas looked for the MCP server's client at the same moment; one created it.
        var environment = _auth[0].Environment;
        using var dynamoDb = new AmazonDynamoDBClient(
            new BasicAWSCredentials(environment["AWS_ACCESS_KEY_ID"], environment["AWS_SECRET_ACCESS_KEY"]),
            new AmazonDynamoDBConfig { ServiceURL = environment["AWS_ENDPOINT_URL_DYNAMODB"], AuthenticationRegion = environment["AWS_REGION"] });
        var copies = await dynamoDb.QueryAsync(new QueryRequest
        {
            TableName = "mcpaspire-oauth-application-lookups",
            KeyConditionExpression = "#l = :l",
            ExpressionAttributeNames = new() { ["#l"] = "lookup" },
            ExpressionAttributeValues = new() { [":l"] = new AttributeValue { S = $"client_id|{DistributedApplicationFixture.IntrospectionClientId}" } },
            ConsistentRead = true,
        });
        Assert.Single(copies.Items);
    }

    [Fact]
    public async Task The_whole_dance_works_with_every_step_on_the_other_replica()
    {
        var address = ReplicasFixture.NewClientAddress();
        var cookies = new CookieContainer();
        using var authA = ReplicasFixture.Client(_auth[0], address, cookies);
        using var authB = ReplicasFixture.Client(_auth[1], address, cookies);
        using var mcpA = ReplicasFixture.Client(_mcp[0], address);
        using var mcpB = ReplicasFixture.Client(_mcp[1], address);

        var clientId = await ReplicaFlows.RegisterAsync(authA, "Replica dance");
        var pkce = Pkce.Create();
        // Authorization request on B, sign-in page on A, sign-in on B, consent page on A, consent on B.
        var code = await ReplicaFlows.SignInAndConsentAsync([authB, authA], ReplicaFlows.AuthorizeUrl(clientId, pkce, fixture.McpResource),
            DistributedApplicationFixture.AdminUserName, fixture.AdminPassword);
        var (status, tokens) = await ReplicaFlows.RedeemAsync(authA, clientId, code, pkce, fixture.McpResource);
        Assert.True(status == HttpStatusCode.OK, tokens.ToString());
        var accessToken = tokens.GetProperty("access_token").GetString()!;

        var (initialized, initialize) = await ReplicaFlows.McpAsync(mcpA, accessToken,
            """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"replicas","version":"1"}}}""");
        Assert.Equal(HttpStatusCode.OK, initialized);
        Assert.Equal("jenkins", initialize!.Value.GetProperty("result").GetProperty("serverInfo").GetProperty("name").GetString());
        var (listed, list) = await ReplicaFlows.McpAsync(mcpB, accessToken, """{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{}}""");
        Assert.Equal(HttpStatusCode.OK, listed);
        Assert.NotEmpty(list!.Value.GetProperty("result").GetProperty("tools").EnumerateArray());

        var (refreshed, renewed) = await ReplicaFlows.RefreshAsync(authB, clientId, tokens.GetProperty("refresh_token").GetString()!);
        Assert.True(refreshed == HttpStatusCode.OK, renewed.ToString());
        var (introspected, introspection) = await ReplicaFlows.IntrospectAsync(authA, renewed.GetProperty("access_token").GetString()!, fixture.IntrospectionSecret);
        Assert.Equal(HttpStatusCode.OK, introspected);
        Assert.True(introspection.GetProperty("active").GetBoolean());
        Assert.Equal(clientId, introspection.GetProperty("client_id").GetString());
    }

    [Fact]
    public async Task A_token_revoked_through_one_replica_is_refused_at_once_through_the_other()
    {
        var (clientId, tokens) = await ObtainTokensAsync("Replica revocation");
        var accessToken = tokens.GetProperty("access_token").GetString()!;
        var address = ReplicasFixture.NewClientAddress();
        using var authA = ReplicasFixture.Client(_auth[0], address);
        using var authB = ReplicasFixture.Client(_auth[1], address);
        Assert.True((await ReplicaFlows.IntrospectAsync(authB, accessToken, fixture.IntrospectionSecret)).Body.GetProperty("active").GetBoolean());

        Assert.Equal(HttpStatusCode.OK, (await ReplicaFlows.RevokeAsync(authA, clientId, accessToken)).Status);

        Assert.False((await ReplicaFlows.IntrospectAsync(authB, accessToken, fixture.IntrospectionSecret)).Body.GetProperty("active").GetBoolean());
        foreach (var mcp in _mcp)
        {
            using var client = ReplicasFixture.Client(mcp, address);
            Assert.Equal(HttpStatusCode.Unauthorized,
                (await ReplicaFlows.McpAsync(client, accessToken, """{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}""")).Status);
        }
    }

    [Fact]
    public async Task A_refresh_token_replayed_on_the_other_replica_is_refused_and_revokes_the_grant()
    {
        var (clientId, tokens) = await ObtainTokensAsync("Replica refresh reuse");
        var address = ReplicasFixture.NewClientAddress();
        using var authA = ReplicasFixture.Client(_auth[0], address);
        using var authB = ReplicasFixture.Client(_auth[1], address);
        var used = tokens.GetProperty("refresh_token").GetString()!;

        var (rotated, renewed) = await ReplicaFlows.RefreshAsync(authA, clientId, used);
        Assert.True(rotated == HttpStatusCode.OK, renewed.ToString());
        var (replayed, refusal) = await ReplicaFlows.RefreshAsync(authB, clientId, used);

        Assert.Equal(HttpStatusCode.BadRequest, replayed);
        Assert.Equal("invalid_grant", refusal.GetProperty("error").GetString());
        // The replay revoked the whole grant, including what the rotation on the other replica issued.
        Assert.False((await ReplicaFlows.IntrospectAsync(authA, renewed.GetProperty("access_token").GetString()!, fixture.IntrospectionSecret))
            .Body.GetProperty("active").GetBoolean());
        Assert.Equal(HttpStatusCode.BadRequest, (await ReplicaFlows.RefreshAsync(authA, clientId, renewed.GetProperty("refresh_token").GetString()!)).Status);
    }

    [Fact]
    public async Task A_sign_in_lockout_holds_whichever_replica_the_next_attempt_reaches()
    {
        // Its own address, so the lockout of this (account, address) pair touches no other test.
        var address = ReplicasFixture.NewClientAddress();
        var cookies = new CookieContainer();
        using var authA = ReplicasFixture.Client(_auth[0], address, cookies);
        using var authB = ReplicasFixture.Client(_auth[1], address, cookies);
        HttpClient[] alternating = [authA, authB];

        // Three failures are free; the fourth imposes a wait (LoginFirstDelay): they alternate between the replicas.
        for (var attempt = 0; attempt < 4; attempt++)
        {
            var status = await SignInAsync(alternating[attempt % 2], fixture.AdminPassword + "-wrong");
            Assert.Equal(HttpStatusCode.BadRequest, status);
        }

        // The right password, on either replica, now waits too: a wait that held on one replica only would let a
        // guesser double its rate with each replica added.
        foreach (var replica in alternating)
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, await SignInAsync(replica, fixture.AdminPassword));
        }
    }

    [Fact]
    public async Task A_replica_stopped_mid_run_loses_no_grant()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var address = ReplicasFixture.NewClientAddress();
        var cookies = new CookieContainer();
        var (stopped, survivor) = (_auth[0], _auth[1]);
        using var authA = ReplicasFixture.Client(stopped, address, cookies);
        using var authB = ReplicasFixture.Client(survivor, address, cookies);

        // A grant made entirely on the replica about to stop: a code not yet redeemed, and tokens of an earlier sign-in.
        var (clientId, tokens) = await ObtainTokensAsync("Replica stopped", authA);
        var pkce = Pkce.Create();
        var code = await ReplicaFlows.SignInAndConsentAsync([authA], ReplicaFlows.AuthorizeUrl(clientId, pkce, fixture.McpResource),
            DistributedApplicationFixture.AdminUserName, fixture.AdminPassword);

        await fixture.KillAsync(stopped, timeout.Token);
        try
        {
            var (redeemed, redemption) = await ReplicaFlows.RedeemAsync(authB, clientId, code, pkce, fixture.McpResource);
            Assert.True(redeemed == HttpStatusCode.OK, redemption.ToString());
            Assert.True((await ReplicaFlows.IntrospectAsync(authB, tokens.GetProperty("access_token").GetString()!, fixture.IntrospectionSecret))
                .Body.GetProperty("active").GetBoolean());
            var (refreshed, renewed) = await ReplicaFlows.RefreshAsync(authB, clientId, tokens.GetProperty("refresh_token").GetString()!);
            Assert.True(refreshed == HttpStatusCode.OK, renewed.ToString());

            // The MCP servers reach the auth server through the proxy, which now has one replica behind it.
            foreach (var mcp in _mcp)
            {
                using var client = ReplicasFixture.Client(mcp, address);
                Assert.Equal(HttpStatusCode.OK, (await ReplicaFlows.McpAsync(client, redemption.GetProperty("access_token").GetString()!,
                    """{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}""")).Status);
            }
        }
        finally
        {
            await fixture.RestartAsync(stopped, timeout.Token);
        }
    }

    /// <summary>Registration on one replica, sign-in and consent on the other, the code redeemed on the first.</summary>
    private async Task<(string ClientId, JsonElement Tokens)> ObtainTokensAsync(string name, HttpClient? only = null)
    {
        var address = ReplicasFixture.NewClientAddress();
        var cookies = new CookieContainer();
        using var authA = ReplicasFixture.Client(_auth[0], address, cookies);
        using var authB = ReplicasFixture.Client(_auth[1], address, cookies);
        var first = only ?? authA;
        var clientId = await ReplicaFlows.RegisterAsync(first, name);
        var pkce = Pkce.Create();
        var code = await ReplicaFlows.SignInAndConsentAsync(only is null ? [authB] : [only], ReplicaFlows.AuthorizeUrl(clientId, pkce, fixture.McpResource),
            DistributedApplicationFixture.AdminUserName, fixture.AdminPassword);
        var (status, tokens) = await ReplicaFlows.RedeemAsync(first, clientId, code, pkce, fixture.McpResource);
        Assert.True(status == HttpStatusCode.OK, tokens.ToString());
        return (clientId, tokens);
    }

    /// <summary>Fetches the sign-in form from <paramref name="auth"/> and posts it there; the answer's status.</summary>
    private static async Task<HttpStatusCode> SignInAsync(HttpClient auth, string password)
    {
        var page = await auth.GetStringAsync("/account/login");
        using var response = await auth.PostAsync("/account/login", ReplicaFlows.Form(
            ("username", DistributedApplicationFixture.AdminUserName), ("password", password), ("returnUrl", "/"),
            ("__RequestVerificationToken", HtmlForm.AntiforgeryToken(page))));
        return response.StatusCode;
    }
}
