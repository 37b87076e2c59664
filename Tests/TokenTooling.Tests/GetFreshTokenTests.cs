namespace McpAspire.TokenTooling.Tests;

/// <summary>get_fresh_token.sh against the running system: sign-in, the token file, refresh, the self-test, bad input.</summary>
[Collection(DistributedApplicationFixture.Collection)]
public sealed class GetFreshTokenTests(RunningSystemFixture system)
{
    private Dictionary<string, string?> Credentials => new()
    {
        ["MCPASPIRE_USERNAME"] = "admin",
        ["MCPASPIRE_PASSWORD"] = system.AdminPassword,
    };

    [Fact]
    public async Task Signing_in_non_interactively_stores_a_working_token_in_the_seed_format_readable_only_by_its_owner()
    {
        using var script = new TokenScript();

        var run = await script.RunAsync(Credentials, system.McpUrl.ToString());

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("Signed in", run.Stderr, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(script.TokenFile));
        using var token = ReadToken(script);
        var root = token.RootElement;
        Assert.False(string.IsNullOrEmpty(root.GetProperty("access_token").GetString()));
        Assert.Equal("Bearer", root.GetProperty("token_type").GetString());
        var expiresIn = root.GetProperty("expires_in").GetDouble();
        Assert.InRange(expiresIn, 60, 3600);
        var expectedExpiry = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0 + expiresIn;
        Assert.InRange(root.GetProperty("expires_at").GetDouble(), expectedExpiry - 120, expectedExpiry + 1);
        var scopes = root.GetProperty("scope").GetString()!.Split(' ');
        Assert.Contains("mcp:read", scopes);
        Assert.DoesNotContain("mcp:write", scopes);
        Assert.False(string.IsNullOrEmpty(root.GetProperty("client_id").GetString()));
        Assert.False(string.IsNullOrEmpty(root.GetProperty("refresh_token").GetString()));
        Assert.Equal(system.McpUrl.ToString().TrimEnd('/'), root.GetProperty("resource").GetString());
        Assert.Equal(HttpStatusCode.OK, await InitializeMcpAsync(root.GetProperty("access_token").GetString()!));
        AssertNoSecretIn(run, token);
    }

    [Fact]
    public async Task A_second_run_refreshes_the_token_in_the_same_file_with_a_rotated_refresh_token()
    {
        using var script = new TokenScript();
        var first = await script.RunAsync(Credentials, system.McpUrl.ToString());
        Assert.True(first.ExitCode == 0, first.Output);
        using var before = ReadToken(script);

        // No credentials the second time: a refresh needs none, so a sign-in could not happen silently.
        var second = await script.RunAsync(new Dictionary<string, string?>(), system.McpUrl.ToString());

        Assert.True(second.ExitCode == 0, second.Output);
        Assert.Contains("Refreshed", second.Stderr, StringComparison.Ordinal);
        using var after = ReadToken(script);
        Assert.NotEqual(Value(before, "access_token"), Value(after, "access_token"));
        Assert.NotEqual(Value(before, "refresh_token"), Value(after, "refresh_token"));
        Assert.Equal(Value(before, "client_id"), Value(after, "client_id"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(script.TokenFile));
        Assert.Equal(HttpStatusCode.OK, await InitializeMcpAsync(Value(after, "access_token")));
        AssertNoSecretIn(second, before, after);
    }

    [Fact]
    public async Task No_token_code_or_password_ever_appears_on_a_command_line_other_users_could_see()
    {
        using var script = new TokenScript();
        script.RecordCommandLines();

        var signIn = await script.RunAsync(Credentials, system.McpUrl.ToString());
        using var first = ReadToken(script);
        var refresh = await script.RunAsync(Credentials, system.McpUrl.ToString());
        using var second = ReadToken(script);
        var check = await script.RunAsync(Credentials, "--check", system.McpUrl.ToString());

        Assert.True(signIn.ExitCode == 0 && refresh.ExitCode == 0 && check.ExitCode == 0, signIn.Output + refresh.Output + check.Output);
        var commandLines = await File.ReadAllTextAsync(script.CommandLineLog);
        Assert.Contains("curl ", commandLines, StringComparison.Ordinal); // the shims did record
        Assert.DoesNotContain(system.AdminPassword, commandLines, StringComparison.Ordinal);
        foreach (var token in new[] { first, second })
        {
            Assert.DoesNotContain(Value(token, "access_token"), commandLines, StringComparison.Ordinal);
            Assert.DoesNotContain(Value(token, "refresh_token"), commandLines, StringComparison.Ordinal);
        }

        // The self-test's own tokens and every authorization code are never written down: look for their carriers.
        Assert.DoesNotContain("Authorization:", commandLines, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("code=", commandLines, StringComparison.Ordinal);
        Assert.DoesNotContain("code_verifier", commandLines, StringComparison.Ordinal);
        Assert.DoesNotContain("refresh_token=", commandLines, StringComparison.Ordinal);
        Assert.DoesNotContain("password=", commandLines, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_write_scope_is_granted_only_when_asked_for()
    {
        using var script = new TokenScript();

        var run = await script.RunAsync(Credentials, "--scope", "mcp:read mcp:write", system.McpUrl.ToString());

        Assert.True(run.ExitCode == 0, run.Output);
        using var token = ReadToken(script);
        var scopes = Value(token, "scope").Split(' ');
        Assert.Contains("mcp:read", scopes);
        Assert.Contains("mcp:write", scopes);
        AssertNoSecretIn(run, token);
    }

    [Fact]
    public async Task The_self_test_walks_the_ten_steps_and_ends_with_the_MCP_servers_tool_list()
    {
        using var script = new TokenScript();

        var run = await script.RunAsync(Credentials, "--check", system.McpUrl.ToString());

        Assert.True(run.ExitCode == 0, run.Output);
        string[] steps =
        [
            "1. register client", "2. client credentials", "3. authorization request", "4. authorization code",
            "5. token exchange", "6. access token", "7. MCP request + token", "8. validate token", "9. token valid",
            "10. Jenkins data response",
        ];
        var lines = run.Stdout.Split('\n');
        foreach (var step in steps)
        {
            Assert.Contains(lines, line => line.StartsWith("  ok    " + step, StringComparison.Ordinal));
        }

        // A failed step's line starts with FAIL (tool descriptions below may name FAILED, a stage status).
        Assert.DoesNotContain(lines, line => line.StartsWith("  FAIL", StringComparison.Ordinal));
        var toolList = Array.IndexOf(lines, "The MCP server's tools:");
        Assert.True(toolList > 0, run.Stdout);
        var tools = lines.Skip(toolList + 1).TakeWhile(line => line.StartsWith("  - ", StringComparison.Ordinal)).ToList();
        Assert.Contains(tools, line => line.StartsWith("  - list_jobs: ", StringComparison.Ordinal));
        Assert.StartsWith("Self-test passed", lines.Skip(toolList + 1 + tools.Count).First(), StringComparison.Ordinal);
        Assert.False(File.Exists(script.TokenFile), "The self-test must not touch the user's token file.");
        AssertNoSecretIn(run);
    }

    [Fact]
    public async Task Signing_in_interactively_takes_the_pasted_browser_address_without_echoing_its_code()
    {
        using var script = new TokenScript();
        Uri? endedOn = null;

        var run = await script.RunInteractiveAsync(
            new Dictionary<string, string?>(),
            async authorizationUrl => endedOn = await BrowserStandIn.SignInAsync(authorizationUrl, "admin", system.AdminPassword, "allow"),
            system.McpUrl.ToString());

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.NotNull(endedOn);
        Assert.Contains("Signed in", run.Stdout, StringComparison.Ordinal);
        var code = System.Web.HttpUtility.ParseQueryString(endedOn.Query)["code"];
        Assert.False(string.IsNullOrEmpty(code));
        Assert.DoesNotContain(code, run.Output, StringComparison.Ordinal); // the pasted address is not echoed
        using var token = ReadToken(script);
        Assert.Equal(HttpStatusCode.OK, await InitializeMcpAsync(Value(token, "access_token")));
        AssertNoSecretIn(run, token);
    }

    [Fact]
    public async Task A_refused_consent_gets_one_line_saying_to_choose_Allow()
    {
        using var script = new TokenScript();

        var run = await script.RunInteractiveAsync(
            new Dictionary<string, string?>(),
            authorizationUrl => BrowserStandIn.SignInAsync(authorizationUrl, "admin", system.AdminPassword, "deny"),
            system.McpUrl.ToString());

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.Stdout.Split('\n'), l => l.Contains("error:", StringComparison.Ordinal));
        Assert.Contains("access_denied", line, StringComparison.Ordinal);
        Assert.Contains("choose Allow", line, StringComparison.Ordinal);
        Assert.False(File.Exists(script.TokenFile));
        Assert.DoesNotContain(system.AdminPassword, run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_credentials_get_one_line_naming_the_variables_to_fix_and_never_the_password()
    {
        using var script = new TokenScript();
        var wrongPassword = "wrong-" + Guid.NewGuid().ToString("N");

        var run = await script.RunAsync(
            new Dictionary<string, string?> { ["MCPASPIRE_USERNAME"] = "admin", ["MCPASPIRE_PASSWORD"] = wrongPassword },
            system.McpUrl.ToString());

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.StderrLines, l => l.Contains("error:", StringComparison.Ordinal));
        Assert.Contains("sign-in refused", line, StringComparison.Ordinal);
        Assert.Contains("MCPASPIRE_PASSWORD", line, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongPassword, run.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(script.TokenFile));
    }

    [Fact]
    public async Task A_corrupted_token_file_is_reported_in_one_line_and_replaced_by_a_fresh_sign_in()
    {
        using var script = new TokenScript();
        Directory.CreateDirectory(Path.GetDirectoryName(script.TokenFile)!);
        await File.WriteAllTextAsync(script.TokenFile, "{\"access_token\": \"trunc");

        var run = await script.RunAsync(Credentials, system.McpUrl.ToString());

        await AssertSignedInAgainAsync(script, run, "corrupted");
    }

    [Fact]
    public async Task A_refresh_token_the_server_no_longer_accepts_leads_to_a_new_sign_in()
    {
        using var script = new TokenScript();
        var first = await script.RunAsync(Credentials, system.McpUrl.ToString());
        Assert.True(first.ExitCode == 0, first.Output);
        var stale = File.ReadAllText(script.TokenFile).Replace(
            Value(ReadToken(script), "refresh_token"), "revoked-" + Guid.NewGuid().ToString("N"), StringComparison.Ordinal);
        await File.WriteAllTextAsync(script.TokenFile, stale);

        var run = await script.RunAsync(Credentials, system.McpUrl.ToString());

        await AssertSignedInAgainAsync(script, run, "refresh token has expired or was revoked");
    }

    [Fact]
    public async Task An_unreachable_server_gets_one_line_saying_what_to_do()
    {
        using var script = new TokenScript();
        var closedPort = new Uri($"http://127.0.0.1:{FreeLoopbackPort()}/mcp");

        var run = await script.RunAsync(Credentials, closedPort.ToString());

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.StderrLines);
        Assert.Contains("cannot connect to the MCP server", line, StringComparison.Ordinal);
        Assert.Contains("dotnet run --project AppHost", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_URL_that_is_not_an_MCP_server_gets_one_line_asking_for_the_MCP_servers_URL()
    {
        using var script = new TokenScript();
        var notMcp = new Uri(system.App.GetEndpoint("jenkins", "http"), "/api/json"); // a server, but no MCP server

        var run = await script.RunAsync(Credentials, notMcp.ToString());

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.StderrLines);
        Assert.Contains("give the MCP server's URL", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Credentials_given_as_arguments_are_refused_before_anything_is_sent()
    {
        using var script = new TokenScript();

        var run = await script.RunAsync(new Dictionary<string, string?>(), "--password", "hunter2", system.McpUrl.ToString());

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.StderrLines);
        Assert.Contains("MCPASPIRE_PASSWORD", line, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", run.Output, StringComparison.Ordinal);
    }

    private static JsonDocument ReadToken(TokenScript script) => JsonDocument.Parse(File.ReadAllText(script.TokenFile));

    private static string Value(JsonDocument token, string name) => token.RootElement.GetProperty(name).GetString()!;

    /// <summary>No token, code or password the run handled may appear in what it printed.</summary>
    private void AssertNoSecretIn(ScriptRun run, params JsonDocument[] tokens)
    {
        Assert.DoesNotContain(system.AdminPassword, run.Output, StringComparison.Ordinal);
        foreach (var token in tokens)
        {
            Assert.DoesNotContain(Value(token, "access_token"), run.Output, StringComparison.Ordinal);
            Assert.DoesNotContain(Value(token, "refresh_token"), run.Output, StringComparison.Ordinal);
        }

        // Codes, verifiers and tokens of the self-test never reach the file system either, so look for their shapes.
        Assert.DoesNotContain("code=", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("code_verifier", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("eyJ", run.Output, StringComparison.Ordinal); // no JWT
    }

    /// <summary>The run got past a token it could not use by signing in afresh: one line saying <paramref name="why"/>, a working token, no secret printed.</summary>
    private async Task AssertSignedInAgainAsync(TokenScript script, ScriptRun run, string why)
    {
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Single(run.StderrLines, l => l.Contains(why, StringComparison.Ordinal));
        Assert.Contains("Signed in", run.Stderr, StringComparison.Ordinal);
        using var token = ReadToken(script);
        Assert.Equal(HttpStatusCode.OK, await InitializeMcpAsync(Value(token, "access_token")));
        AssertNoSecretIn(run, token);
    }

    /// <summary>An MCP initialize request with <paramref name="accessToken"/>, as any MCP client would send it.</summary>
    private async Task<HttpStatusCode> InitializeMcpAsync(string accessToken)
    {
        using var client = new HttpClient();
        return await McpInitialize.SendAsync(client, system.McpUrl, accessToken, "token-tooling-tests");
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
