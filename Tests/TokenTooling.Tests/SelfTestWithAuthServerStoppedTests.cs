namespace McpAspire.TokenTooling.Tests;

/// <summary>
/// The self-test when the authorization server is down. Destructive: it ends the shared system's auth server,
/// and starts it again before it returns (the tests of this assembly run one at a time).
/// </summary>
[Collection(DistributedApplicationFixture.Collection)]
public sealed class SelfTestWithAuthServerStoppedTests(RunningSystemFixture system)
{
    [Fact]
    public async Task The_self_test_fails_at_discovery_and_says_to_start_the_auth_server()
    {
        using var timeout = new CancellationTokenSource(DistributedApplicationTestFactory.StartTimeout);
        await system.KillAsync(DistributedApplicationFixture.AuthServer, timeout.Token);
        try
        {
            using var script = new TokenScript();

            var run = await script.RunAsync(
                new Dictionary<string, string?> { ["MCPASPIRE_USERNAME"] = "admin", ["MCPASPIRE_PASSWORD"] = system.AdminPassword },
                "--check",
                system.McpUrl.ToString());

            Assert.Equal(1, run.ExitCode);
            Assert.Contains(run.Stdout.Split('\n'), line => line.StartsWith("  FAIL  0. discovery", StringComparison.Ordinal));
            Assert.DoesNotContain("  ok    1. register client", run.Stdout, StringComparison.Ordinal);
            var message = Assert.Single(run.StderrLines);
            Assert.Contains("the authorization server", message, StringComparison.Ordinal);
            Assert.Contains("start the auth-server resource", message, StringComparison.Ordinal);
            Assert.DoesNotContain(system.AdminPassword, run.Output, StringComparison.Ordinal);
        }
        finally
        {
            await system.RestartAsync(DistributedApplicationFixture.AuthServer, timeout.Token);
        }
    }
}
