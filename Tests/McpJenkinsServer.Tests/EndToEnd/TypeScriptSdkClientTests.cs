using System.Diagnostics;
using System.Reflection;

namespace McpAspire.McpJenkinsServer.Tests.EndToEnd;

/// <summary>
/// The official TypeScript SDK client (npm <c>@modelcontextprotocol/sdk</c>, pinned by TypeScriptClient/package-lock.json,
/// installed by the build) drives the whole dance against the running AppHost, knowing only the /mcp URL: discovery
/// from the 401, dynamic registration, authorization code with PKCE through the real login and consent forms, token,
/// initialize, tools/list and every tool through <c>Client.callTool</c>, which validates each structured result
/// against the tool's output schema (Ajv) and fails the call with -32602 when it does not match.
/// The client is TypeScriptClient/mcp-dance.mjs; it prints a summary without any secret.
/// </summary>
[Collection(DistributedApplicationFixture.Collection)]
public sealed class TypeScriptSdkClientTests(McpAspireAppFixture app, ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);

    private static readonly string[] AllTools =
        ["cancel_queue_item", "get_build", "get_build_log", "get_jenkins_status", "get_job", "get_pipeline_stages", "get_queue", "get_queue_item",
         "get_stage_log", "get_test_report", "list_artifacts", "list_builds", "list_jobs", "list_nodes", "list_running_builds", "read_artifact", "rebuild",
         "replay_pipeline", "search_build_log", "set_build_description", "stop_build", "trigger_build", "who_am_i"];

    private static string ClientDirectory => typeof(TypeScriptSdkClientTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "TypeScriptClientDirectory").Value!;

    [Fact]
    public async Task The_TypeScript_SDK_client_signs_in_from_the_url_alone_and_every_tool_result_passes_its_schema_check()
    {
        Assert.True(File.Exists(Path.Combine(ClientDirectory, "node_modules", "@modelcontextprotocol", "sdk", "package.json")),
            "The TypeScript SDK is not installed: the test project's build runs `npm ci` in TypeScriptClient/ (needs Node.js 20+ and npm).");

        var (exitCode, stdout, stderr) = await RunNodeAsync();
        output.WriteLine(stderr);

        Assert.True(exitCode == 0, $"The TypeScript SDK client failed:{Environment.NewLine}{stderr}");
        var summary = JsonDocument.Parse(stdout).RootElement;
        var authorize = summary.GetProperty("authorizationRequest");
        // The 401 names mcp:read; the first write tool's 403 insufficient_scope makes the client authorize again.
        Assert.Equal(2, summary.GetProperty("authorizations").GetInt32());
        Assert.Equal("S256", authorize.GetProperty("codeChallengeMethod").GetString());
        Assert.True(authorize.GetProperty("hasCodeChallenge").GetBoolean());
        Assert.Equal(app.McpUrl.AbsoluteUri, authorize.GetProperty("resource").GetString());
        Assert.True(authorize.GetProperty("clientIdIsRegistered").GetBoolean());
        Assert.DoesNotContain("mcp:write", authorize.GetProperty("scope").GetString(), StringComparison.Ordinal);
        Assert.Contains("mcp:write", authorize.GetProperty("stepUpScope").GetString(), StringComparison.Ordinal);
        Assert.Contains("mcp:read", summary.GetProperty("grantedScope").GetString(), StringComparison.Ordinal);
        Assert.True(summary.GetProperty("whoAmIClientIsRegistered").GetBoolean());
        Assert.Equal(AllTools, Names(summary.GetProperty("tools")));
        Assert.Equal(AllTools, Names(summary.GetProperty("toolsWithOutputSchema")));
        Assert.Equal(AllTools, summary.GetProperty("called").EnumerateObject().Select(p => p.Name).Order());
    }

    private static IEnumerable<string> Names(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).Order();

    private async Task<(int ExitCode, string Stdout, string Stderr)> RunNodeAsync()
    {
        var start = new ProcessStartInfo("node")
        {
            ArgumentList = { "mcp-dance.mjs" },
            WorkingDirectory = ClientDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Through the environment, never the command line (which every process on the machine can read).
        start.Environment["MCP_URL"] = app.McpUrl.AbsoluteUri;
        start.Environment["MCP_USER"] = "admin";
        start.Environment["MCP_PASSWORD"] = app.AdminPassword;

        using var node = Process.Start(start) ?? throw new InvalidOperationException("node could not be started.");
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await node.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            node.Kill(entireProcessTree: true);
            throw new TimeoutException($"The TypeScript SDK client did not finish within {Timeout}:{Environment.NewLine}{await stderr}");
        }

        return (node.ExitCode, await stdout, await stderr);
    }
}
