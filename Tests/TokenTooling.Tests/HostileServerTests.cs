using System.Security.Cryptography;

namespace McpAspire.TokenTooling.Tests;

/// <summary>
/// get_fresh_token.sh against servers that try to misuse it (issue 12): metadata naming another server's resource,
/// a sign-in form posting the password elsewhere, plain http to hosts that are not loopback, an authorization URL
/// that is not http(s). Each test performs the attack on loopback only: <see cref="HostileServer"/>s on random
/// 127.0.0.1 ports, and made-up non-loopback names (*.example.test) that the <see cref="ForeignTrafficTripwire"/>
/// proves were never contacted. No AppHost: these need nothing but the script and the servers here.
/// </summary>
public sealed class HostileServerTests : IAsyncLifetime, IDisposable
{
    private readonly string _password = "hostile-test-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
    private readonly ForeignTrafficTripwire _tripwire = new();
    private readonly TokenScript _script = new();
    private HostileServer _server = null!;

    public async Task InitializeAsync() => _server = await HostileServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose()
    {
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
