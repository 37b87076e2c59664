using System.Globalization;

namespace McpAspire.McpJenkinsServer.Tests.EndToEnd;

/// <summary>
/// A user's own Jenkins identity through the whole system: linked on the auth server's page with a JenkinsMock person's
/// API token, then used by the MCP server for that user's tool calls (the build is started by them in Jenkins, Jenkins'
/// own refusal reaches them even where the access policy allows), and gone from the very next call once unlinked. The
/// access policy is the app's default (everyone everything) throughout.
/// </summary>
[Collection(DistributedApplicationFixture.Collection)]
public sealed class LinkedJenkinsIdentityEndToEndTests(McpAspireAppFixture app)
{
    private const string Job = "backend/platform/inventory-api";

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task A_linked_users_build_is_started_by_them_the_audit_names_them_and_after_unlinking_the_next_call_runs_as_the_server()
    {
        using var cancel = new CancellationTokenSource(Timeout);
        var token = app.JenkinsTokenOf(DistributedApplicationFixture.JenkinsDeveloper);
        await using var log = new LogWatch(app, DistributedApplicationFixture.McpServer);
        var user = await app.CreateUserAsync("linked-dev");
        using var page = await JenkinsLinkPage.SignInAsync(app, user);
        Assert.Equal(HttpStatusCode.OK, await page.LinkAsync(DistributedApplicationFixture.JenkinsDeveloper, token));
        await using var mcp = await OAuthMcpClient.ConnectAsync(app, cancellationToken: cancel.Token, user: user);

        var linked = await CallAsync(mcp, "who_am_i", [], cancel.Token);
        var started = await CallAsync(mcp, "trigger_build", new() { ["job"] = Job, ["wait_for_start"] = true, ["wait_seconds"] = 60 }, cancel.Token);
        var number = started.GetProperty("buildNumber").GetInt32();
        var build = await CallAsync(mcp, "get_build", new() { ["job"] = Job, ["build"] = number.ToString(CultureInfo.InvariantCulture) }, cancel.Token);
        await CallAsync(mcp, "stop_build", new() { ["job"] = Job, ["build"] = number }, cancel.Token);
        Assert.Equal(HttpStatusCode.OK, await page.UnlinkAsync());
        var unlinked = await CallAsync(mcp, "who_am_i", [], cancel.Token);
        // The MCP server's output reaches the AppHost's log stream a little later, after the whole shared server's earlier
        // lines: wait until this user's audit lines of both who_am_i calls are in (the second is the last call, so every
        // earlier line of theirs is in too); bounded by the timeout.
        var ofThisUser = $"subject {user.Subject} ";
        await log.WaitForLinesAsync(line => line.Contains(ofThisUser, StringComparison.Ordinal) && line.Contains("tool who_am_i", StringComparison.Ordinal), 2, Timeout);
        var lines = log.Lines;
        Assert.Equal(DistributedApplicationFixture.JenkinsDeveloper, linked.GetProperty("jenkinsUser").GetString());
        Assert.True(linked.GetProperty("jenkinsIdentityLinked").GetBoolean());
        Assert.Contains($"Started by user {DistributedApplicationFixture.JenkinsDeveloper}", build.GetProperty("causes").EnumerateArray().Select(cause => cause.GetString()));
        Assert.False(unlinked.GetProperty("jenkinsIdentityLinked").GetBoolean());
        Assert.NotEqual(DistributedApplicationFixture.JenkinsDeveloper, unlinked.GetProperty("jenkinsUser").GetString());
        // The audit line of each call names the Jenkins user it ran as; the token is in no line.
        Assert.Contains(lines, line => line.Contains(ofThisUser, StringComparison.Ordinal) && line.Contains("tool trigger_build", StringComparison.Ordinal)
            && line.Contains($"access Jenkins as linked user '{DistributedApplicationFixture.JenkinsDeveloper}'; allow build on '{Job}'", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains(token, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Jenkins_refusing_the_linked_user_is_a_tool_error_even_where_the_access_policy_allows()
    {
        using var cancel = new CancellationTokenSource(Timeout);
        var user = await app.CreateUserAsync("linked-reader");
        using var page = await JenkinsLinkPage.SignInAsync(app, user);
        Assert.Equal(HttpStatusCode.OK, await page.LinkAsync(DistributedApplicationFixture.JenkinsReader, app.JenkinsTokenOf(DistributedApplicationFixture.JenkinsReader)));
        await using var mcp = await OAuthMcpClient.ConnectAsync(app, cancellationToken: cancel.Token, user: user);

        var read = await CallAsync(mcp, "get_job", new() { ["job"] = Job }, cancel.Token);
        var refused = await mcp.Client.CallToolAsync("trigger_build", new Dictionary<string, object?> { ["job"] = Job }, cancellationToken: cancel.Token);

        Assert.Equal(Job, read.GetProperty("fullName").GetString());
        Assert.True(refused.IsError);
        Assert.Contains($"Your Jenkins account '{DistributedApplicationFixture.JenkinsReader}' lacks the Job/Build permission", Text(refused), StringComparison.Ordinal);
    }

    private static async Task<JsonElement> CallAsync(OAuthMcpClient mcp, string tool, Dictionary<string, object?> arguments, CancellationToken cancellationToken)
    {
        var result = await mcp.Client.CallToolAsync(tool, arguments, cancellationToken: cancellationToken);
        Assert.True(result.IsError != true, $"{tool} failed: {Text(result)}");
        return result.StructuredContent!.Value;
    }

    private static string Text(CallToolResult result) => Assert.IsType<TextContentBlock>(result.Content[0]).Text;
}
