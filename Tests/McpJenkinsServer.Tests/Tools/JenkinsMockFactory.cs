extern alias jenkinsmock;

using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using McpAspire.McpJenkinsServer.Services;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpAspire.McpJenkinsServer.Tests.Tools;

/// <summary>
/// The real JenkinsMock in process, with short build timings, and the MCP server's own Jenkins client pointed at
/// it with the mock's user and API token (or with wrong ones, to see how refusals read).
/// </summary>
public sealed class JenkinsMockFactory : WebApplicationFactory<jenkinsmock::Program>
{
    public string User { get; } = "mcp-bot";

    /// <summary>The version the mock announces in X-Jenkins, so tests can see it travel.</summary>
    public string Version { get; } = "2.999.1";

    public string ApiToken { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Jenkins:User", User);
        builder.UseSetting("Jenkins:ApiToken", ApiToken);
        builder.UseSetting("Jenkins:Version", Version);
        builder.UseSetting("Jenkins:Timing:QuietPeriod", "00:00:02");
        builder.UseSetting("Jenkins:Timing:BuildLength", "00:00:08");
        builder.UseSetting("Jenkins:Timing:LogLineInterval", "00:00:00.050");
    }

    public JenkinsClient CreateJenkinsClient(string? apiToken = null)
    {
        var http = new HttpClient(Server.CreateHandler()) { BaseAddress = new Uri("http://localhost/") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{apiToken ?? ApiToken}")));
        return new JenkinsClient(http, NullLogger<JenkinsClient>.Instance);
    }
}
