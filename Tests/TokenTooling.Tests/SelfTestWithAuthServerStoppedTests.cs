using Aspire.Hosting.ApplicationModel;

namespace McpAspire.TokenTooling.Tests;

/// <summary>
/// The self-test when the authorization server is down. Destructive (it stops a resource), so it has a
/// running system of its own.
/// </summary>
public sealed class SelfTestWithAuthServerStoppedTests(RunningSystemFixture system) : IClassFixture<RunningSystemFixture>
{
    [Fact]
    public async Task The_self_test_fails_at_discovery_and_says_to_start_the_auth_server()
    {
        using var stopped = new CancellationTokenSource(RunningSystemFixture.StartTimeout);
        await StopAuthServerAsync(stopped.Token);
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

    /// <summary>
    /// Ends the auth server's process tree and waits until the AppHost sees it gone. Not the dashboard's
    /// stop command: Aspire runs projects under `dotnet run`, and on this machine the command's interrupt
    /// reaches only `dotnet run`, which leaves the server itself running (the command then reports failure).
    /// </summary>
    private async Task StopAuthServerAsync(CancellationToken cancellationToken)
    {
        var running = await system.App.ResourceNotifications.WaitForResourceAsync(
            "auth-server",
            update => update.Snapshot.Properties.Any(property => property.Name == ProcessIdProperty && property.Value is not null),
            cancellationToken);
        var processId = Convert.ToInt32(
            running.Snapshot.Properties.First(property => property.Name == ProcessIdProperty).Value,
            System.Globalization.CultureInfo.InvariantCulture);

        using (var process = System.Diagnostics.Process.GetProcessById(processId))
        {
            process.Kill(entireProcessTree: true);
        }

        await system.App.ResourceNotifications.WaitForResourceAsync("auth-server", KnownResourceStates.TerminalStates, cancellationToken);
    }

    /// <summary>The snapshot property holding the process id of an executable or project resource.</summary>
    private const string ProcessIdProperty = "executable.pid";
}
