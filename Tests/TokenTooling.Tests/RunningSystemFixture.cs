using System.Security.Cryptography;
using Aspire.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McpAspire.TokenTooling.Tests;

/// <summary>
/// The whole AppHost, started once per test class: a fresh in-memory DynamoDB Local, random secrets (the
/// admin password among them, known only to this fixture), every resource awaited until healthy.
/// </summary>
public sealed class RunningSystemFixture : IAsyncLifetime
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);

    private static readonly string[] ResourceNames = ["dynamodb", "jenkins", "auth-server", "mcp-server"];

    private DistributedApplication? _app;

    // Punctuation and a space included so the script's form encoding of the password is exercised for real.
    public string AdminPassword { get; } = RandomSecret() + "&+=% x";

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The AppHost has not started.");

    /// <summary>The MCP server's URL, as a user would give it to the script (the canonical resource URI).</summary>
    public Uri McpUrl => new(App.GetEndpoint("mcp-server", "http"), "/mcp");

    public async Task InitializeAsync()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
        [
            "DynamoDbLocal:InMemory=true",
            $"Parameters:admin-password={AdminPassword}",
            $"Parameters:jenkins-api-token={RandomSecret()}",
            $"Parameters:mcp-introspection-secret={RandomSecret()}",
        ]);
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));

        _app = await builder.BuildAsync();
        using var timeout = new CancellationTokenSource(StartTimeout);
        await _app.StartAsync(timeout.Token);
        foreach (var name in ResourceNames)
        {
            await _app.ResourceNotifications.WaitForResourceHealthyAsync(name, timeout.Token);
        }
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private static string RandomSecret() => Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
}
