using System.Security.Cryptography;

namespace McpAspire.TokenTooling.Tests;

/// <summary>
/// get_fresh_token.sh against servers that try to misuse it (issue 12): metadata naming another server's resource,
/// a sign-in form posting the password elsewhere, plain http to hosts that are not loopback, an authorization URL
/// that is not http(s). Each test performs the attack on loopback only: <see cref="HostileServer"/>s on random
/// 127.0.0.1 ports, and made-up non-loopback names (*.example.test) that the <see cref="ForeignTrafficTripwire"/>
/// proves were never contacted. No AppHost: these need nothing but the script and the servers here.
/// </summary>
public sealed class HostileServerTests : IAsyncLifetime
{
    private readonly string _password = "hostile-test-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
    private readonly ForeignTrafficTripwire _tripwire = new();
    private readonly TokenScript _script = new();
    private HostileServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await HostileServer.StartAsync();

    // xUnit v3 calls only DisposeAsync on a class that could be disposed either way, so it ends everything here.
    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _tripwire.Dispose();
        _script.Dispose();
    }

    // ---------------------------------------------------------------------------------------------------------
    // The harness itself: left at its defaults the hostile server is a working MCP + authorization server.
    // ---------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task A_well_behaved_loopback_server_gets_through_the_whole_sign_in()
    {
        var run = await RunAsync(_server.McpUrl.AbsoluteUri);

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains(HostileServer.AccessToken, await File.ReadAllTextAsync(_script.TokenFile), StringComparison.Ordinal);
        Assert.Contains("POST /login", _server.Requests);
        Assert.Contains("POST /token", _server.Requests);
        AssertNothingLeftLoopback();
    }

    // ---------------------------------------------------------------------------------------------------------
    // 1. The protected resource metadata must name the URL it was fetched for (RFC 9728 section 3.3).
    // ---------------------------------------------------------------------------------------------------------

    private static readonly string[] ProbeAndMetadataOnly = ["POST /mcp", "GET /.well-known/oauth-protected-resource/mcp"];

    [Theory]
    [InlineData("http://evil.example.test/mcp")] // another server's resource, the token then meant for it
    [InlineData("{origin}/other/mcp")] // another resource on the same server
    [InlineData("{origin}/mcp/")] // a trailing slash after a path is another URL
    [InlineData("{origin}")] // the path-less resource is another resource than /mcp
    public async Task Metadata_naming_another_resource_than_the_one_it_was_fetched_for_is_not_used(string resource)
    {
        var named = resource.Replace("{origin}", _server.Origin, StringComparison.Ordinal);
        _server.ResourceMetadata["resource"] = named;

        var run = await RunAsync(_server.McpUrl.AbsoluteUri);

        var line = AssertRefusedInOneLine(run);
        Assert.Contains($"names the resource '{named}' but was fetched for '{_server.McpUrl.AbsoluteUri}'", line, StringComparison.Ordinal);
        Assert.Contains("RFC 9728", line, StringComparison.Ordinal);
        Assert.Equal(ProbeAndMetadataOnly, _server.Requests); // nothing after it
        Assert.False(File.Exists(_script.TokenFile));
    }

    [Fact]
    public async Task Metadata_found_at_the_root_describes_the_origin_and_is_not_used_for_a_resource_with_a_path()
    {
        _server.ChallengeNamesMetadata = false; // the script then tries /.well-known/oauth-protected-resource/mcp (404), then the root
        _server.ResourceMetadataPath = "/.well-known/oauth-protected-resource";

        var run = await RunAsync(_server.McpUrl.AbsoluteUri);

        var line = AssertRefusedInOneLine(run);
        Assert.Contains($"names the resource '{_server.McpUrl.AbsoluteUri}' but was fetched for '{_server.Origin}'", line, StringComparison.Ordinal);
        Assert.DoesNotContain("GET /.well-known/oauth-authorization-server", _server.Requests);
    }

    [Theory]
    [InlineData("{origin}", "{origin}/")]
    [InlineData("{origin}/", "{origin}")]
    public async Task A_path_less_resource_is_the_same_with_or_without_its_slash(string given, string named)
    {
        _server.McpPath = "/";
        _server.ResourceMetadata["resource"] = named.Replace("{origin}", _server.Origin, StringComparison.Ordinal);

        var run = await RunAsync(given.Replace("{origin}", _server.Origin, StringComparison.Ordinal));

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.True(File.Exists(_script.TokenFile));
    }

    // ---------------------------------------------------------------------------------------------------------
    // 2. The password goes only to a form on the authorization server's own origin (scheme, host and port).
    // ---------------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("{other}/login")] // another origin, named outright
    [InlineData("//127.0.0.1:{other-port}/login")] // scheme-relative
    [InlineData("{origin}@127.0.0.1:{other-port}/login")] // begins with the issuer's origin, but that is a user name
    [InlineData("sign-in page elsewhere")] // /authorize redirects to the other server's sign-in page, whose form is relative
    public async Task The_password_is_never_posted_to_a_form_on_another_origin(string action)
    {
        await using var other = await HostileServer.StartAsync();
        other.Secret = _password;
        var port = new Uri(other.Origin).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (action == "sign-in page elsewhere")
        {
            _server.AuthorizeRedirect = other.Origin + "/authorize";
        }
        else
        {
            _server.LoginFormAction = action
                .Replace("{other}", other.Origin, StringComparison.Ordinal)
                .Replace("{other-port}", port, StringComparison.Ordinal)
                .Replace("{origin}", _server.Origin, StringComparison.Ordinal);
        }

        var run = await RunAsync(_server.McpUrl.AbsoluteUri);

        Assert.False(other.ReceivedSecret, "The password was posted to another origin.");
        Assert.DoesNotContain(other.Requests, request => request.StartsWith("POST", StringComparison.Ordinal));
        var line = AssertRefusedInOneLine(run);
        Assert.Contains("refusing to send your password to " + other.Origin, line, StringComparison.Ordinal);
        Assert.Contains("not to the authorization server's own origin " + _server.Origin, line, StringComparison.Ordinal);
        Assert.DoesNotContain(_password, run.Output, StringComparison.Ordinal);
    }

    // ---------------------------------------------------------------------------------------------------------
    // 3. https for everything, plain http only to loopback hosts. The made-up hosts are never contacted.
    // ---------------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("http://mcp.example.test/mcp", "it is plain http to mcp.example.test, which is not a loopback host")]
    [InlineData("http://127.0.0.1.example.test/mcp", "it is plain http to 127.0.0.1.example.test, which is not a loopback host")]
    [InlineData("http://localhost.example.test/mcp", "it is plain http to localhost.example.test, which is not a loopback host")]
    [InlineData("http://127.0.0.1@mcp.example.test/mcp", "it has a user name before its host (user@host)")]
    public async Task An_MCP_URL_with_plain_http_to_a_host_that_is_not_loopback_is_refused_before_any_request(string url, string reason)
    {
        _script.RecordCommandLines();

        var run = await RunAsync(url);

        var line = AssertRefusedInOneLine(run);
        Assert.Contains($"refusing the URL '{url}': {reason}", line, StringComparison.Ordinal);
        Assert.False(File.Exists(_script.CommandLineLog) && File.ReadAllText(_script.CommandLineLog).Contains("curl ", StringComparison.Ordinal), "curl ran.");
    }

    [Fact]
    public async Task An_authorization_server_named_with_plain_http_to_a_host_that_is_not_loopback_is_never_contacted()
    {
        _server.ResourceMetadata["authorization_servers"] = new[] { "http://as.example.test/" };

        var run = await RunAsync(_server.McpUrl.AbsoluteUri);

        var line = AssertRefusedInOneLine(run);
        Assert.Contains("refusing the authorization server named in the protected resource metadata 'http://as.example.test/': it is plain http to as.example.test", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("authorization_endpoint")]
    [InlineData("token_endpoint")] // would receive the code and the PKCE verifier in clear
    [InlineData("registration_endpoint")]
    public async Task An_endpoint_with_plain_http_to_a_host_that_is_not_loopback_is_refused_before_anything_is_sent(string endpoint)
    {
        var url = $"http://as.example.test/{endpoint}";
        _server.AuthorizationServerMetadata[endpoint] = url;

        var run = await RunAsync(_server.McpUrl.AbsoluteUri);

        var line = AssertRefusedInOneLine(run);
        Assert.Contains($"refusing the authorization server's {endpoint} '{url}': it is plain http to as.example.test", line, StringComparison.Ordinal);
        Assert.DoesNotContain("POST /register", _server.Requests);
    }

    [Fact]
    public async Task A_redirect_to_plain_http_on_a_host_that_is_not_loopback_is_not_followed()
    {
        _server.AuthorizeRedirect = "http://login.example.test/signin";

        var run = await RunAsync(_server.McpUrl.AbsoluteUri);

        var line = AssertRefusedInOneLine(run);
        Assert.Contains($"refusing the redirect from {_server.Origin}/authorize to 'http://login.example.test/signin': it is plain http to login.example.test", line, StringComparison.Ordinal);
    }

    // ---------------------------------------------------------------------------------------------------------
    // 4. An authorization URL that is not http(s) is never opened, nor offered to the user to open.
    // ---------------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("javascript:alert(document.cookie)//", "javascript")]
    [InlineData("file:///etc/passwd", "file")]
    [InlineData("data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "data")]
    public async Task An_authorization_endpoint_that_is_not_http_is_never_opened_nor_offered(string endpoint, string scheme)
    {
        _server.AuthorizationServerMetadata["authorization_endpoint"] = endpoint;
        _script.RecordBrowserOpens();
        Uri? offered = null;
        var environment = new Dictionary<string, string?>(_tripwire.Environment) { ["DISPLAY"] = ":0" };

        var run = await _script.RunInteractiveAsync(
            environment,
            authorizationUrl =>
            {
                offered = authorizationUrl;
                return Task.FromResult(new Uri("http://127.0.0.1:9/callback?error=access_denied"));
            },
            _server.McpUrl.AbsoluteUri);

        Assert.False(File.Exists(_script.OpenedLog), "The script asked the desktop to open: " + (File.Exists(_script.OpenedLog) ? File.ReadAllText(_script.OpenedLog) : ""));
        Assert.Null(offered);
        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.Stdout.Split('\n'), l => l.Contains("error:", StringComparison.Ordinal));
        Assert.Contains($"refusing the authorization server's authorization_endpoint '{endpoint}': its scheme is '{scheme}:', not http or https", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Open this address", run.Stdout, StringComparison.Ordinal);
        AssertNothingLeftLoopback();
    }

    // ---------------------------------------------------------------------------------------------------------

    private Task<ScriptRun> RunAsync(string url)
    {
        var environment = new Dictionary<string, string?>(_tripwire.Environment)
        {
            ["MCPASPIRE_USERNAME"] = "victim",
            ["MCPASPIRE_PASSWORD"] = _password,
        };
        return _script.RunAsync(environment, url);
    }

    /// <summary>Exit status 1, exactly one error line (returned), nothing sent off this machine.</summary>
    private string AssertRefusedInOneLine(ScriptRun run)
    {
        AssertNothingLeftLoopback();
        Assert.True(run.ExitCode == 1, $"exit {run.ExitCode}: {run.Output}");
        return Assert.Single(run.StderrLines, l => l.Contains("error:", StringComparison.Ordinal));
    }

    private void AssertNothingLeftLoopback()
        => Assert.True(_tripwire.Attempts.Count == 0, "The script tried to reach a host that is not loopback: " + string.Join(" | ", _tripwire.Attempts));
}
