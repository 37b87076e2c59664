using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace McpAspire.JenkinsMock.Tests.Infrastructure;

/// <summary>
/// JenkinsMock in process, with fresh random credentials and short timings: a quiet period of
/// 200 ms and builds of about one second, so a test can watch a build from queue to result.
/// </summary>
public class JenkinsMockFactory : WebApplicationFactory<Program>
{
    public string User { get; } = "ci-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    public string ApiToken { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public string Password { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    protected virtual bool CsrfProtection => true;

    /// <summary>How long a left queue item stays visible; Jenkins keeps it about five minutes.</summary>
    protected virtual string LeftItemLifetime => "00:05:00";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Jenkins:User", User);
        builder.UseSetting("Jenkins:ApiToken", ApiToken);
        builder.UseSetting("Jenkins:Password", Password);
        builder.UseSetting("Jenkins:CsrfProtection", CsrfProtection ? "true" : "false");
        builder.UseSetting("Jenkins:Timing:QuietPeriod", "00:00:00.200");
        builder.UseSetting("Jenkins:Timing:LogLineInterval", "00:00:00.010");
        builder.UseSetting("Jenkins:Timing:BuildLength", "00:00:01");
        builder.UseSetting("Jenkins:Timing:TickInterval", "00:00:00.010");
        builder.UseSetting("Jenkins:Timing:LeftItemLifetime", LeftItemLifetime);
    }

    /// <summary>A client that sends no credentials, keeps no cookies and does not follow redirects.</summary>
    public HttpClient CreateAnonymousClient()
        => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

    /// <summary>A client authenticated like the MCP server: HTTP Basic with user and API token.</summary>
    public HttpClient CreateTokenClient() => WithBasic(CreateAnonymousClient(), User, ApiToken);

    /// <summary>A client logging in with the password (a session login), keeping its session cookie.</summary>
    public HttpClient CreatePasswordClient()
        => WithBasic(CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true }), User, Password);

    public static HttpClient WithBasic(HttpClient client, string user, string secret)
    {
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{secret}")));
        return client;
    }
}

/// <summary>The same mock with CSRF protection switched off.</summary>
public sealed class JenkinsMockWithoutCsrfFactory : JenkinsMockFactory
{
    protected override bool CsrfProtection => false;
}

/// <summary>The same mock forgetting left queue items after half a second instead of five minutes.</summary>
public sealed class JenkinsMockWithShortLivedLeftItemsFactory : JenkinsMockFactory
{
    protected override string LeftItemLifetime => "00:00:00.500";
}
