using McpAspire.AuthServer.Tests.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace McpAspire.AuthServer.Tests.Unit;

/// <summary>A replica that cannot start (issue 18) says why in one line and exits non-zero, so the orchestrator shows it failed.</summary>
public sealed class StartupFailureTests
{
    [Fact]
    public async Task A_service_whose_start_up_fails_logs_one_critical_line_naming_the_cause_and_exits_with_1()
    {
        var logs = new CapturingLoggerProvider();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = Environments.Development, ApplicationName = "AuthServer" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders().AddProvider(logs);
        builder.Services.AddHostedService<SeederWithoutItsTable>();
        await using var app = builder.Build();

        var exitCode = await app.RunOrExitWithReasonAsync();

        Assert.Equal(StartupFailure.ExitCode, exitCode);
        var line = Assert.Single(logs.Entries, entry => entry.Level == LogLevel.Critical);
        Assert.Equal("AuthServer could not start and exits: ResourceNotFoundException: Requested resource not found: Table: mcpaspire-auth-users not found", line.Message);
        Assert.DoesNotContain('\n', line.Message);
    }

    /// <summary>What a seeder meets when the tables were never created: DynamoDB's own exception, wrapped on its way up.</summary>
    private sealed class SeederWithoutItsTable : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => throw new InvalidOperationException(
            "Seeding failed.", new ResourceNotFoundException("Requested resource not found:\nTable: mcpaspire-auth-users not found"));

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
