using System.Diagnostics;
using System.Net.Sockets;
using McpAspire.McpJenkinsServer.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace McpAspire.McpJenkinsServer.Tests.Tools;

/// <summary>
/// A tool whose Jenkins is down answers a clear tool error within 5 s, through the server's own Jenkins client
/// registration (<see cref="JenkinsExtensions.AddJenkinsClient"/>: its connect timeout, its one retry): a stopped
/// Jenkins (nothing listens, the connection is refused) and an address nothing answers on.
/// </summary>
public sealed class JenkinsDownTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_stopped_jenkins_is_a_tool_error_saying_it_is_down_within_5_seconds()
    {
        var (error, elapsed) = await CallListNodesAsync(new Uri($"http://127.0.0.1:{ClosedPort()}/"));

        output.WriteLine($"stopped Jenkins: tool error after {elapsed.TotalMilliseconds:0} ms: {error.Message}");
        Assert.Equal(JenkinsError.Unreachable, error.Error);
        Assert.Contains("Jenkins is down", error.Message, StringComparison.Ordinal);
        Assert.True(elapsed < Bound, $"the error took {elapsed.TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task A_jenkins_address_that_never_answers_is_a_tool_error_within_5_seconds()
    {
        // TEST-NET-1 (RFC 5737): never routed, so a connection attempt either fails at once or is never answered.
        var (error, elapsed) = await CallListNodesAsync(new Uri("http://192.0.2.1:8080/"));

        output.WriteLine($"unanswered Jenkins address: tool error after {elapsed.TotalMilliseconds:0} ms: {error.Message}");
        Assert.Equal(JenkinsError.Unreachable, error.Error);
        Assert.True(elapsed < Bound, $"the error took {elapsed.TotalMilliseconds:0} ms");
    }

    private static async Task<(JenkinsException Error, TimeSpan Elapsed)> CallListNodesAsync(Uri jenkinsUrl)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["Jenkins:Url"] = jenkinsUrl.AbsoluteUri;
        builder.Configuration["Jenkins:User"] = "mcp-bot";
        builder.Configuration["Jenkins:ApiToken"] = "not-used-" + Guid.NewGuid().ToString("N");
        builder.Logging.ClearProviders();
        builder.AddJenkinsClient();
        using var host = builder.Build();
        var tools = new NodeTools(host.Services.GetRequiredService<JenkinsClient>());

        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<JenkinsException>(() => tools.ListNodes());
        return (error, clock.Elapsed);
    }

    /// <summary>A loopback port nothing listens on: bound, read, released.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
