using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace McpAspire.Tests.Common;

/// <summary>
/// JenkinsMock in process with fresh random credentials, and clients authenticated the ways Jenkins allows.
/// Generic over the mock's Program class because one test project can name it only through an extern alias.
/// Derived factories choose the mock's timings and switches in <see cref="MockSettings"/>.
/// Linked into the test projects that run the mock (Tests/Common).
/// </summary>
public abstract class JenkinsMockFactory<TProgram> : WebApplicationFactory<TProgram>
    where TProgram : class
{
    public virtual string User { get; } = "ci-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    public string ApiToken { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public string Password { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    /// <summary>The mock's <c>Jenkins:*</c> settings besides the credentials (timings, switches, version), without the prefix.</summary>
    protected abstract IEnumerable<KeyValuePair<string, string>> MockSettings { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Jenkins:User", User);
        builder.UseSetting("Jenkins:ApiToken", ApiToken);
        builder.UseSetting("Jenkins:Password", Password);
        foreach (var (key, value) in MockSettings)
        {
            builder.UseSetting("Jenkins:" + key, value);
        }
    }

    /// <summary>A client that sends no credentials, keeps no cookies and does not follow redirects.</summary>
    public HttpClient CreateAnonymousClient()
        => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

    /// <summary>An anonymous client that sends HTTP Basic credentials (right or wrong ones) with every request.</summary>
    public HttpClient CreateBasicClient(string user, string secret) => WithBasic(CreateAnonymousClient(), user, secret);

    /// <summary>A client authenticated like the MCP server: HTTP Basic with user and API token.</summary>
    public HttpClient CreateTokenClient(string? apiToken = null) => CreateBasicClient(User, apiToken ?? ApiToken);

    /// <summary>A client logging in with the password (a session login), keeping its session cookie.</summary>
    public HttpClient CreatePasswordClient()
        => WithBasic(CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true }), User, Password);

    private static HttpClient WithBasic(HttpClient client, string user, string secret)
    {
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{secret}")));
        return client;
    }
}
