extern alias apphost;

using System.Security.Cryptography;
using Aspire.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McpAspire.McpJenkinsServer.Tests.EndToEnd;

/// <summary>
/// The whole AppHost (DynamoDB Local in memory, JenkinsMock, auth server, MCP server) started once for the
/// end-to-end class, with random secrets the tests know, every resource awaited until healthy.
/// </summary>
public sealed class McpAspireAppFixture : IAsyncLifetime
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(5);
    private static readonly string[] Resources = ["dynamodb", "jenkins", "auth-server", "mcp-server"];

    private DistributedApplication? app;

    public string AdminPassword { get; } = RandomSecret();

    public string IntrospectionSecret { get; } = RandomSecret();

    public DistributedApplication App => app ?? throw new InvalidOperationException("The AppHost has not started.");

    /// <summary>The only thing an MCP client is told: the server's URL.</summary>
    public Uri McpUrl => new(App.GetEndpoint("mcp-server", "http"), "/mcp");

    public Uri AuthServerUrl => App.GetEndpoint("auth-server", "http");

    public async Task InitializeAsync()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<apphost::Projects.AppHost>(
        [
            "DynamoDbLocal:InMemory=true",
            $"Parameters:admin-password={AdminPassword}",
            $"Parameters:jenkins-api-token={RandomSecret()}",
            $"Parameters:mcp-introspection-secret={IntrospectionSecret}",
        ]);
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));

        app = await builder.BuildAsync();
        using var timeout = new CancellationTokenSource(StartTimeout);
        await app.StartAsync(timeout.Token);
        foreach (var name in Resources)
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(name, timeout.Token);
        }
    }

    public async Task DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }
    }

    private static string RandomSecret() => Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
}
