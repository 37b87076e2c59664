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

    /// <summary>
    /// Further mock users (<c>Jenkins:Users</c>) and their permissions: a read-only user, one that may build but not
    /// cancel, one that may only discover jobs, one that may read and build inside <c>backend</c> only, and one
    /// without Overall/Read.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string[]> Users = new Dictionary<string, string[]>
    {
        ["reader"] = ["Overall/Read", "Job/Read"],
        ["builder"] = ["Overall/Read", "Job/Read", "Job/Build"],
        ["discoverer"] = ["Overall/Read", "Job/Discover"],
        ["backend-dev"] = ["Overall/Read", "Job/Read", "Job/Build", "Job/Cancel"],
        ["outsider"] = [],
    };

    /// <summary>The folders a user's item permissions are limited to (none: everywhere).</summary>
    private static readonly IReadOnlyDictionary<string, string[]> UserItems = new Dictionary<string, string[]> { ["backend-dev"] = ["backend"] };

    private readonly Dictionary<string, string> _userTokens = Users.Keys.ToDictionary(name => name, _ => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));

    /// <summary>The API token of one of <see cref="Users"/>.</summary>
    public string TokenOf(string user) => _userTokens[user];

    /// <summary>The mock's <c>Jenkins:*</c> settings besides the credentials (timings, switches, version), without the prefix.</summary>
    protected abstract IEnumerable<KeyValuePair<string, string>> MockSettings { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Jenkins:User", User);
        builder.UseSetting("Jenkins:ApiToken", ApiToken);
        builder.UseSetting("Jenkins:Password", Password);
        var index = 0;
        foreach (var (name, permissions) in Users)
        {
            builder.UseSetting($"Jenkins:Users:{index}:Name", name);
            builder.UseSetting($"Jenkins:Users:{index}:ApiToken", _userTokens[name]);
            for (var p = 0; p < permissions.Length; p++)
            {
                builder.UseSetting($"Jenkins:Users:{index}:Permissions:{p}", permissions[p]);
            }

            var items = UserItems.GetValueOrDefault(name, []);
            for (var i = 0; i < items.Length; i++)
            {
                builder.UseSetting($"Jenkins:Users:{index}:Items:{i}", items[i]);
            }

            index++;
        }

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

    /// <summary>A client authenticated as one of <see cref="Users"/> with its API token.</summary>
    public HttpClient CreateUserClient(string user) => CreateBasicClient(user, TokenOf(user));

    /// <summary>A client logging in with the password (a session login), keeping its session cookie.</summary>
    public HttpClient CreatePasswordClient()
        => WithBasic(CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true }), User, Password);

    private static HttpClient WithBasic(HttpClient client, string user, string secret)
    {
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{secret}")));
        return client;
    }
}
