using System.Net.Http.Json;

namespace McpAspire.McpJenkinsServer.Tests.EndToEnd;

/// <summary>
/// The whole dance over the running AppHost, driven by the C# SDK's MCP client: discovery from a 401, dynamic
/// registration, authorization code with PKCE through the real login and consent pages, token, initialize,
/// tools/list, every tool against JenkinsMock; then revocation, step-up from a read-only token, and a token for
/// another audience.
/// </summary>
[Collection(DistributedApplicationFixture.Collection)]
public sealed class McpDanceEndToEndTests(McpAspireAppFixture app, ITestOutputHelper output)
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(2);

    private static readonly string[] ReadTools =
        ["list_jobs", "get_job", "list_builds", "get_build", "get_build_log", "search_build_log", "get_test_report",
         "get_queue", "get_queue_item", "list_nodes", "get_jenkins_status", "who_am_i",
         "list_running_builds", "get_pipeline_stages", "get_stage_log", "list_artifacts", "read_artifact"];

    private static readonly string[] WriteTools = ["trigger_build", "stop_build", "cancel_queue_item", "rebuild", "set_build_description", "replay_pipeline"];
    private static readonly string[] ReadOnly = ["mcp:read"];
    private static readonly string[] FinishedResults = ["SUCCESS", "FAILURE"];

    [Fact]
    public async Task A_client_that_knows_only_the_url_completes_the_dance_and_drives_every_tool()
    {
        var transcript = new Transcript();
        try
        {
            await DanceAsync(transcript);
        }
        finally
        {
            await WriteTranscriptAsync(transcript);
        }
    }

    private async Task DanceAsync(Transcript transcript)
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(5));

        transcript.Note("1. The client knows only the MCP URL. Its first request has no token.");
        using var probe = await PostAsync(app.McpUrl, null, Initialize, transcript);
        Assert.Equal(HttpStatusCode.Unauthorized, probe.StatusCode);
        var metadataUrl = new Uri(app.McpUrl, "/.well-known/oauth-protected-resource/mcp");
        Assert.Contains($"resource_metadata=\"{metadataUrl}\"", Challenge(probe), StringComparison.Ordinal);

        transcript.Note("2-9. The SDK client: metadata, registration, authorization with PKCE (login and consent pages), token, initialize.");
        await using var mcp = await OAuthMcpClient.ConnectAsync(app, transcript, cancellationToken: cancel.Token);

        Assert.Equal(1, mcp.SignIn.Authorizations);
        var authorize = System.Web.HttpUtility.ParseQueryString(mcp.SignIn.AuthorizationRequests[0].Query);
        Assert.Equal("S256", authorize["code_challenge_method"]);
        Assert.False(string.IsNullOrEmpty(authorize["code_challenge"]));
        Assert.Equal(app.McpUrl.AbsoluteUri, authorize["resource"]);
        Assert.Equal(mcp.Tokens.Tokens?.ClientId, authorize["client_id"]);
        Assert.Contains(transcript.RequestUris, u => u.AbsolutePath == "/register");
        Assert.Contains(transcript.RequestUris, u => u.AbsolutePath == "/token");
        Assert.Equal("jenkins", mcp.Client.ServerInfo?.Name);
        // The instructions name every write tool, from the tools' own annotations.
        Assert.All(WriteTools, tool => Assert.Contains(tool, mcp.Client.ServerInstructions ?? "", StringComparison.Ordinal));

        transcript.Note("10. tools/list, then every tool against JenkinsMock.");
        var tools = await mcp.Client.ListToolsAsync(cancellationToken: cancel.Token);
        Assert.Equal(ReadTools.Concat(WriteTools).Order(), tools.Select(t => t.Name).Order());
        Assert.All(tools, t => Assert.False(string.IsNullOrWhiteSpace(t.Description)));
        Assert.All(tools.Where(t => ReadTools.Contains(t.Name)), t => Assert.True(t.ProtocolTool.Annotations?.ReadOnlyHint));
        Assert.All(tools.Where(t => WriteTools.Contains(t.Name)), t => Assert.False(t.ProtocolTool.Annotations?.ReadOnlyHint));
        Assert.True(tools.Single(t => t.Name == "stop_build").ProtocolTool.Annotations?.DestructiveHint);

        var jobs = await CallAsync(mcp, "list_jobs", new() { ["recursive"] = true });
        Assert.Contains(jobs.GetProperty("jobs").EnumerateArray(), j => j.GetProperty("fullName").GetString() == "deploy/deploy-shop");

        var job = await CallAsync(mcp, "get_job", new() { ["job"] = "deploy/deploy-shop" });
        Assert.Contains(job.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "ENVIRONMENT");

        var builds = await CallAsync(mcp, "list_builds", new() { ["job"] = "backend/payments-service", ["limit"] = 3 });
        Assert.Equal(3, builds.GetProperty("builds").GetArrayLength());

        var build = await CallAsync(mcp, "get_build", new() { ["job"] = "backend/payments-service", ["build"] = "lastCompletedBuild" });
        Assert.False(build.GetProperty("building").GetBoolean());

        var log = await CallAsync(mcp, "get_build_log", new() { ["job"] = "backend/payments-service", ["limit"] = 500 });
        Assert.True(log.GetProperty("nextOffset").GetInt64() > 0);

        var search = await CallAsync(mcp, "search_build_log", new() { ["job"] = "backend/payments-service", ["build"] = "lastCompletedBuild", ["pattern"] = "^Finished: " });
        Assert.Single(search.GetProperty("matches").EnumerateArray());

        var report = await CallAsync(mcp, "get_test_report", new() { ["job"] = "backend/payments-service", ["failures_only"] = true });
        Assert.True(report.GetProperty("passed").GetInt32() > 0);

        var nodes = await CallAsync(mcp, "list_nodes", []);
        Assert.True(nodes.GetProperty("totalExecutors").GetInt32() > 0);

        var status = await CallAsync(mcp, "get_jenkins_status", []);
        Assert.False(string.IsNullOrEmpty(status.GetProperty("version").GetString()));

        var me = await CallAsync(mcp, "who_am_i", []);
        Assert.Equal(mcp.Tokens.Tokens?.ClientId, me.GetProperty("clientId").GetString());
        // The first token carries what the 401 named: read access only. Write access comes by step-up below.
        Assert.Contains("mcp:read", me.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        Assert.DoesNotContain("mcp:write", me.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal("mcp-bot", me.GetProperty("jenkinsUser").GetString());
        // The caller as the access policy sees them: the seeded administrator, in the administrators' group.
        Assert.Equal("admin", me.GetProperty("userName").GetString());
        Assert.Contains("admins", me.GetProperty("groups").EnumerateArray().Select(group => group.GetString()));

        transcript.Note("A build triggered, waited for until it has a number (with progress), and followed to its result.");
        var progress = new ProgressLog();
        var triggered = await CallAsync(mcp, "trigger_build",
            new() { ["job"] = "nightly-db-backup", ["wait_for_start"] = true, ["wait_seconds"] = 90 }, progress);
        var number = triggered.GetProperty("buildNumber").GetInt32();
        var queueId = triggered.GetProperty("queueItemId").GetInt64();
        Assert.NotEmpty(progress.Messages);
        // Jenkins sees only the server's account: the build's description names the signed-in user's client.
        var described = await CallAsync(mcp, "get_build", new() { ["job"] = "nightly-db-backup", ["build"] = number.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        Assert.Contains($"(MCP client {mcp.Tokens.Tokens?.ClientId})", described.GetProperty("description").GetString(), StringComparison.Ordinal);
        // The write tool's 403 insufficient_scope made the client sign in again for mcp:write (step-up).
        Assert.Equal(2, mcp.SignIn.Authorizations);
        Assert.Contains("mcp:write", mcp.Tokens.Tokens?.Scope ?? "", StringComparison.Ordinal);

        var item = await CallAsync(mcp, "get_queue_item", new() { ["id"] = queueId });
        Assert.Equal(number, item.GetProperty("buildNumber").GetInt32());
        await CallAsync(mcp, "get_queue", []);

        var finished = await FollowToResultAsync(mcp, "nightly-db-backup", number, cancel.Token);
        Assert.Contains(finished.GetProperty("result").GetString(), FinishedResults);

        transcript.Note("Rebuild with the same parameters, stop it; queue a build and cancel it.");
        var rebuilt = await CallAsync(mcp, "rebuild", new() { ["job"] = "nightly-db-backup", ["build"] = number.ToString(System.Globalization.CultureInfo.InvariantCulture), ["wait_for_start"] = true, ["wait_seconds"] = 90 });
        var rebuiltNumber = rebuilt.GetProperty("buildNumber").GetInt32();
        var stopped = await CallAsync(mcp, "stop_build", new() { ["job"] = "nightly-db-backup", ["build"] = rebuiltNumber });
        Assert.True(stopped.GetProperty("wasBuilding").GetBoolean());
        Assert.Equal("ABORTED", (await FollowToResultAsync(mcp, "nightly-db-backup", rebuiltNumber, cancel.Token)).GetProperty("result").GetString());

        var queued = await CallAsync(mcp, "trigger_build", new() { ["job"] = "release-notes", ["parameters"] = new Dictionary<string, string> { ["RELEASE"] = "e2e" } });
        var cancelled = await CallAsync(mcp, "cancel_queue_item", new() { ["id"] = queued.GetProperty("queueItemId").GetInt64() });
        Assert.Contains("was cancelled", cancelled.GetProperty("message").GetString(), StringComparison.Ordinal);

        transcript.Note("Errors: a Jenkins error is a tool result a model can read; a bad argument is invalid params.");
        var missing = await mcp.Client.CallToolAsync("get_job", new Dictionary<string, object?> { ["job"] = "no/such-job" }, cancellationToken: cancel.Token);
        Assert.True(missing.IsError);
        Assert.Contains("was not found", Assert.IsType<TextContentBlock>(missing.Content[0]).Text, StringComparison.Ordinal);
        var invalid = await Assert.ThrowsAsync<McpProtocolException>(() =>
            mcp.Client.CallToolAsync("get_build_log", new Dictionary<string, object?> { ["job"] = "nightly-db-backup", ["limit"] = 0 }, cancellationToken: cancel.Token).AsTask());
        Assert.Equal(McpErrorCode.InvalidParams, invalid.ErrorCode);
    }

    [Fact]
    public async Task Revoking_the_access_token_makes_the_next_call_401_at_once()
    {
        await using var mcp = await OAuthMcpClient.ConnectAsync(app);
        await CallAsync(mcp, "get_jenkins_status", []);
        var tokens = mcp.Tokens.Tokens!;

        using var before = await PostAsync(app.McpUrl, tokens.AccessToken, ListTools);
        Assert.True(HttpStatusCode.OK == before.StatusCode, $"{before.StatusCode}: {await before.Content.ReadAsStringAsync()}");

        using var http = new HttpClient();
        // The client revokes its own token (RFC 7009), authenticating as it registered (client_secret_post).
        var form = new Dictionary<string, string>
        {
            ["token"] = tokens.AccessToken,
            ["token_type_hint"] = "access_token",
            ["client_id"] = tokens.ClientId!,
        };
        if (tokens.ClientSecret is { } secret)
        {
            form["client_secret"] = secret;
        }

        using var revoke = await http.PostAsync(await RevocationEndpointAsync(), new FormUrlEncodedContent(form));
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);

        using var after = await PostAsync(app.McpUrl, tokens.AccessToken, ListTools);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Contains("error=\"invalid_token\"", Challenge(after), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_read_only_token_is_refused_a_write_tool_with_403_insufficient_scope_and_the_client_steps_up()
    {
        // Until the first token is issued the client asks for mcp:read only; the step-up then asks for what the 403 names.
        var tokens = new CapturingTokenCache();
        await using var mcp = await OAuthMcpClient.ConnectAsync(app, tokens: tokens, scopeSelector: scopes => tokens.Tokens is null ? ReadOnly : scopes);
        Assert.Equal("mcp:read", mcp.Tokens.Tokens!.Scope);
        await CallAsync(mcp, "get_jenkins_status", []);

        using var refused = await PostAsync(app.McpUrl, mcp.Tokens.Tokens.AccessToken,
            """{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"trigger_build","arguments":{"job":"release-notes"}}}""");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var challenge = Challenge(refused);
        Assert.StartsWith("Bearer error=\"insufficient_scope\"", challenge, StringComparison.Ordinal);
        Assert.Contains("scope=\"mcp:read mcp:write\"", challenge, StringComparison.Ordinal);
        Assert.Contains($"resource_metadata=\"{new Uri(app.McpUrl, "/.well-known/oauth-protected-resource/mcp")}\"", challenge, StringComparison.Ordinal);

        // The SDK client meets the same 403, re-authorizes with the challenged scopes, and the call goes through.
        var queued = await CallAsync(mcp, "trigger_build", new() { ["job"] = "release-notes" });
        Assert.Equal(2, mcp.SignIn.Authorizations);
        Assert.Contains("mcp:write", mcp.Tokens.Tokens.Scope ?? "", StringComparison.Ordinal);
        await CallAsync(mcp, "cancel_queue_item", new() { ["id"] = queued.GetProperty("queueItemId").GetInt64() });
    }

    [Fact]
    public async Task A_token_issued_for_another_audience_is_refused()
    {
        await using var mcp = await OAuthMcpClient.ConnectAsync(app);
        var token = mcp.Tokens.Tokens!.AccessToken;

        // Two servers introspecting at the same auth server with the same credentials, one the token's audience.
        await using var sameAudience = new AudienceCheckingServerFactory(app, app.McpUrl.AbsoluteUri.TrimEnd('/'));
        await using var otherAudience = new AudienceCheckingServerFactory(app, "http://localhost/mcp");

        using var accepted = await SendAsync(sameAudience.CreateClient(), token);
        using var refused = await SendAsync(otherAudience.CreateClient(), token);

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("error=\"invalid_token\"", Challenge(refused), StringComparison.Ordinal);

        static async Task<HttpResponseMessage> SendAsync(HttpClient client, string token)
        {
            using (client)
            {
                using var request = Request(new Uri(client.BaseAddress!, "/mcp"), token, ListTools);
                var response = await client.SendAsync(request);
                await response.Content.LoadIntoBufferAsync();
                return response;
            }
        }
    }

    private const string Initialize =
        """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"probe","version":"1"}}}""";

    private const string ListTools = """{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{}}""";

    private static HttpRequestMessage Request(Uri url, string? token, string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        request.Headers.Add("MCP-Protocol-Version", "2025-11-25");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return request;
    }

    private static async Task<HttpResponseMessage> PostAsync(Uri url, string? token, string body, Transcript? transcript = null)
    {
        using var http = transcript is null ? new HttpClient() : new HttpClient(new TranscriptHandler(transcript, new SocketsHttpHandler()));
        using var request = Request(url, token, body);
        return await http.SendAsync(request);
    }

    private static string Challenge(HttpResponseMessage response)
        => Assert.Single(response.Headers.NonValidated["WWW-Authenticate"]);

    private async Task<Uri> RevocationEndpointAsync()
    {
        using var http = new HttpClient();
        var metadata = await http.GetFromJsonAsync<JsonElement>(new Uri(app.McpUrl, "/.well-known/oauth-authorization-server/mcp"));
        return new Uri(metadata.GetProperty("revocation_endpoint").GetString()!);
    }

    private static async Task<JsonElement> CallAsync(OAuthMcpClient mcp, string tool, Dictionary<string, object?> arguments, IProgress<ProgressNotificationValue>? progress = null)
    {
        var result = await mcp.Client.CallToolAsync(tool, arguments, progress);
        Assert.True(result.IsError != true, $"{tool} failed: {(result.Content.FirstOrDefault() as TextContentBlock)?.Text}");
        return JsonSerializer.SerializeToElement(result.StructuredContent);
    }

    private static async Task<JsonElement> FollowToResultAsync(OAuthMcpClient mcp, string job, int number, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(BuildTimeout);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (true)
        {
            var build = await CallAsync(mcp, "get_build", new() { ["job"] = job, ["build"] = number.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            if (!build.GetProperty("building").GetBoolean() && build.GetProperty("result").ValueKind == JsonValueKind.String)
            {
                return build;
            }

            await timer.WaitForNextTickAsync(timeout.Token);
        }
    }

    private async Task WriteTranscriptAsync(Transcript transcript)
    {
        var text = transcript.ToString();
        output.WriteLine(text);
        await File.WriteAllTextAsync(Path.Combine(AppContext.BaseDirectory, "e2e-transcript.txt"), text);
    }

    private sealed class ProgressLog : IProgress<ProgressNotificationValue>
    {
        public List<string> Messages { get; } = [];

        public void Report(ProgressNotificationValue value)
        {
            lock (Messages)
            {
                Messages.Add(value.Message ?? "");
            }
        }
    }
}
