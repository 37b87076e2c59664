namespace McpAspire.McpJenkinsServer.Tests.EndToEnd;

/// <summary>
/// The Jenkins access policy through the whole system: an administrator edits it on the auth server's page, users
/// created on the users page sign in through an MCP client, and the MCP server applies the policy to their groups from
/// the very next tool call. The policy is global to the shared app, so each test sets the one it needs (with groups of
/// its own) and the class puts back the allow-everything rule when it is done.
/// </summary>
[Collection(DistributedApplicationFixture.Collection)]
public sealed class AccessPolicyEndToEndTests(McpAspireAppFixture app) : IAsyncLifetime
{
    private const string AllowEverything = """{"rules":[{"who":"*","items":"**","actions":["read","build","cancel","replay"]}]}""";

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    private PolicyAdministrator _admin = null!;

    public async ValueTask InitializeAsync()
    {
        using var cancel = new CancellationTokenSource(Timeout);
        _admin = await PolicyAdministrator.SignInAsync(app, cancel.Token);
    }

    public async ValueTask DisposeAsync()
    {
        using var cancel = new CancellationTokenSource(Timeout);
        await _admin.ReplaceAsync(AllowEverything, cancel.Token);
        _admin.Dispose();
    }

    [Fact]
    public async Task A_member_of_a_group_sees_and_builds_only_its_folder_and_another_groups_job_is_not_found()
    {
        using var cancel = new CancellationTokenSource(Timeout);
        var (backend, web) = (Unique("backend-devs"), Unique("web-devs"));
        await SetPolicyAsync($$"""
            {"rules":[
              {"who":"group:{{backend}}","items":"backend/**","actions":["read","build","cancel"]},
              {"who":"group:{{web}}","items":"frontend/**","actions":["read","build"]}
            ]}
            """, cancel.Token);
        // Bob is in two groups: the token's groups claim is then an array, which must reach the policy as two groups.
        await using var alice = await ConnectAsync(await app.CreateUserAsync("alice", backend), cancel.Token);
        await using var bob = await ConnectAsync(await app.CreateUserAsync("bob", "zz-unrelated", web), cancel.Token);

        var aliceJobs = await NamesAsync(alice, cancel.Token);
        var bobJobs = await NamesAsync(bob, cancel.Token);
        var hidden = await alice.Client.CallToolAsync("get_job", new Dictionary<string, object?> { ["job"] = "frontend/web-app" }, cancellationToken: cancel.Token);
        var missing = await alice.Client.CallToolAsync("get_job", new Dictionary<string, object?> { ["job"] = "frontend/no-such-app" }, cancellationToken: cancel.Token);
        var queued = await CallAsync(alice, "trigger_build", new() { ["job"] = "backend/platform/inventory-api" }, cancel.Token);
        var cancelled = await CallAsync(alice, "cancel_queue_item", new() { ["id"] = queued.GetProperty("queueItemId").GetInt64() }, cancel.Token);

        Assert.Contains("backend/payments-service", aliceJobs);
        Assert.All(aliceJobs, name => Assert.True(name == "backend" || name.StartsWith("backend/", StringComparison.Ordinal), name));
        Assert.Contains("frontend/web-app", bobJobs);
        Assert.All(bobJobs, name => Assert.True(name == "frontend" || name.StartsWith("frontend/", StringComparison.Ordinal), name));
        Assert.True(hidden.IsError);
        Assert.Equal(Text(missing).Replace("frontend/no-such-app", "frontend/web-app", StringComparison.Ordinal), Text(hidden));
        Assert.Contains("was cancelled", cancelled.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_build_no_rule_grants_is_a_tool_error_naming_the_action_the_job_and_the_callers_groups()
    {
        using var cancel = new CancellationTokenSource(Timeout);
        var (readers, releasers) = (Unique("backend-readers"), Unique("release-managers"));
        await SetPolicyAsync($$"""
            {"rules":[
              {"who":"group:{{readers}}","items":"backend/**","actions":["read"]},
              {"who":"group:{{releasers}}","items":"backend/**","actions":["read","build"]}
            ]}
            """, cancel.Token);
        var carol = await app.CreateUserAsync("carol", readers);
        await using var mcp = await ConnectAsync(carol, cancel.Token);

        var refused = await mcp.Client.CallToolAsync("trigger_build", new Dictionary<string, object?> { ["job"] = "backend/platform/inventory-api" }, cancellationToken: cancel.Token);
        var read = await CallAsync(mcp, "get_job", new() { ["job"] = "backend/platform/inventory-api" }, cancel.Token);

        Assert.True(refused.IsError);
        Assert.Contains($"Refused by the Jenkins access policy: no rule grants build on 'backend/platform/inventory-api' to user '{carol.UserName}' (groups: {readers}).",
            Text(refused), StringComparison.Ordinal);
        Assert.DoesNotContain(releasers, Text(refused), StringComparison.Ordinal);
        Assert.Equal("backend/platform/inventory-api", read.GetProperty("fullName").GetString());
    }

    [Fact]
    public async Task An_administrators_change_takes_effect_on_the_next_call()
    {
        using var cancel = new CancellationTokenSource(Timeout);
        var team = Unique("movers");
        await SetPolicyAsync($$"""{"rules":[{"who":"group:{{team}}","items":"backend/**","actions":["read"]}]}""", cancel.Token);
        var dave = await app.CreateUserAsync("dave", team);
        await using var mcp = await ConnectAsync(dave, cancel.Token);
        var before = await CallAsync(mcp, "get_job", new() { ["job"] = "backend/payments-service" }, cancel.Token);

        await SetPolicyAsync($$"""{"rules":[{"who":"user:{{dave.UserName}}","items":"frontend/*","actions":["read"]}]}""", cancel.Token);
        var after = await mcp.Client.CallToolAsync("get_job", new Dictionary<string, object?> { ["job"] = "backend/payments-service" }, cancellationToken: cancel.Token);
        var now = await CallAsync(mcp, "get_job", new() { ["job"] = "frontend/web-app" }, cancel.Token);

        Assert.Equal("backend/payments-service", before.GetProperty("fullName").GetString());
        Assert.True(after.IsError);
        Assert.Contains("Job 'backend/payments-service' was not found in Jenkins", Text(after), StringComparison.Ordinal);
        Assert.Equal("frontend/web-app", now.GetProperty("fullName").GetString());
    }

    [Fact]
    public async Task The_page_refuses_a_malformed_rule_saying_why_and_a_stale_version_with_a_conflict_losing_nothing()
    {
        using var cancel = new CancellationTokenSource(Timeout);
        await SetPolicyAsync(AllowEverything, cancel.Token);
        var (_, page) = await _admin.GetAsync(cancel.Token);
        var version = PolicyAdministrator.Version(page);

        var unknownAction = await _admin.PostAsync("add", new() { ["who"] = "group:qa", ["items"] = "qa/**" }, cancel.Token, repeated: [new("action", "deploy")]);
        var emptyPattern = await _admin.PostAsync("add", new() { ["who"] = "group:qa", ["items"] = "" }, cancel.Token, repeated: [new("action", "read")]);
        var badPattern = await _admin.PostAsync("add", new() { ["who"] = "group:qa", ["items"] = "qa-*" }, cancel.Token, repeated: [new("action", "read")]);
        var added = await _admin.PostAsync("add", new() { ["who"] = "group:qa", ["items"] = "qa/**", ["position"] = "1" }, cancel.Token, repeated: [new("action", "read")]);
        var moved = await _admin.PostAsync("move", new() { ["rule"] = "1", ["direction"] = "down" }, cancel.Token);
        var stale = await _admin.PostAsync("remove", new() { ["rule"] = "1" }, cancel.Token, version: version);
        var (_, after) = await _admin.GetAsync(cancel.Token);

        Assert.Equal(HttpStatusCode.BadRequest, unknownAction.Status);
        Assert.Contains("&#x27;deploy&#x27; is not an action", unknownAction.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, emptyPattern.Status);
        Assert.Contains("The item pattern is empty", emptyPattern.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badPattern.Status);
        Assert.Contains("uses &#x27;*&#x27; inside a name", badPattern.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, added.Status);
        Assert.Equal(version + 1, PolicyAdministrator.Version(added.Html));
        Assert.Equal(HttpStatusCode.OK, moved.Status);
        Assert.Equal(HttpStatusCode.Conflict, stale.Status);
        Assert.Contains("changed by someone else", stale.Html, StringComparison.Ordinal);
        Assert.Equal(version + 2, PolicyAdministrator.Version(after));
        Assert.True(after.IndexOf("<td class=\"host\">group:qa</td>", StringComparison.Ordinal) > after.IndexOf("<td class=\"host\">*</td>", StringComparison.Ordinal));
        Assert.Contains("href=\"/admin/users\"", after, StringComparison.Ordinal);
    }

    private static string Unique(string group) => $"{group}-{Guid.NewGuid():N}"[..24];

    private Task<OAuthMcpClient> ConnectAsync(TestUser user, CancellationToken cancellationToken)
        => OAuthMcpClient.ConnectAsync(app, cancellationToken: cancellationToken, user: user);

    private async Task SetPolicyAsync(string json, CancellationToken cancellationToken)
    {
        var (status, html) = await _admin.ReplaceAsync(json, cancellationToken);
        Assert.True(status == HttpStatusCode.OK, $"The policy was not saved ({(int)status}): {html}");
    }

    private static async Task<List<string>> NamesAsync(OAuthMcpClient mcp, CancellationToken cancellationToken)
    {
        var page = await CallAsync(mcp, "list_jobs", new() { ["recursive"] = true, ["limit"] = 500 }, cancellationToken);
        return [.. page.GetProperty("jobs").EnumerateArray().Select(job => job.GetProperty("fullName").GetString()!)];
    }

    private static async Task<JsonElement> CallAsync(OAuthMcpClient mcp, string tool, Dictionary<string, object?> arguments, CancellationToken cancellationToken)
    {
        var result = await mcp.Client.CallToolAsync(tool, arguments, cancellationToken: cancellationToken);
        Assert.True(result.IsError != true, $"{tool} failed: {Text(result)}");
        return result.StructuredContent!.Value;
    }

    private static string Text(CallToolResult result) => Assert.IsType<TextContentBlock>(result.Content[0]).Text;
}
