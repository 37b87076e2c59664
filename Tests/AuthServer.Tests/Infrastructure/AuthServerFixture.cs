using System.Security.Cryptography;
using Aspire.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McpAspire.AuthServer.Tests.Infrastructure;

/// <summary>
/// The whole AppHost, started once per test class: fresh in-memory DynamoDB Local, random secrets, the auth
/// server awaited until healthy. Tests reach it through <see cref="CreateClient"/> and know the secrets
/// the AppHost handed it, as the MCP server would.
/// </summary>
public class AuthServerFixture : IAsyncLifetime
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);

    public const string AdminUserName = "admin";

    public const string IntrospectionClientId = "mcp-server";

    private DistributedApplication? _app;

    public string AdminPassword { get; } = RandomSecret();

    public string IntrospectionSecret { get; } = RandomSecret();

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The AppHost has not started.");

    /// <summary>The auth server's public URL: where its endpoints are.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>
    /// The issuer identifier the auth server publishes: the MCP server's resource URL (the AppHost's choice, so
    /// every MCP client finds the metadata at the MCP server's origin; docs/auth-server.md, "Issuer and discovery").
    /// </summary>
    public string Issuer => McpResource;

    /// <summary>The issuer's RFC 8414 metadata URL (the well-known segment inserted before the issuer's path).</summary>
    public Uri MetadataUrl => new(new Uri(McpResource), "/.well-known/oauth-authorization-server" + new Uri(McpResource).AbsolutePath);

    /// <summary>The canonical MCP resource URI the auth server issues tokens for.</summary>
    public string McpResource { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
        [
            "DynamoDbLocal:InMemory=true",
            $"Parameters:admin-password={AdminPassword}",
            $"Parameters:jenkins-api-token={RandomSecret()}",
            $"Parameters:mcp-introspection-secret={IntrospectionSecret}",
        ]);
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        Configure(builder);

        _app = await builder.BuildAsync();
        using var timeout = new CancellationTokenSource(StartTimeout);
        await _app.StartAsync(timeout.Token);
        await _app.ResourceNotifications.WaitForResourceHealthyAsync("auth-server", timeout.Token);
        await _app.ResourceNotifications.WaitForResourceHealthyAsync("mcp-server", timeout.Token);

        BaseAddress = _app.GetEndpoint("auth-server", "http");
        McpResource = new Uri(_app.GetEndpoint("mcp-server", "http"), "/mcp").AbsoluteUri;
    }

    /// <summary>Lets a derived fixture change the auth server's configuration (e.g. lower rate limits).</summary>
    protected virtual void Configure(IDistributedApplicationTestingBuilder builder)
    {
    }

    /// <summary>A client of the auth server that follows no redirects (the tests look at each one) and keeps no cookies.</summary>
    public HttpClient CreateClient() => new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false })
    {
        BaseAddress = BaseAddress,
        Timeout = TimeSpan.FromSeconds(60),
    };

    /// <summary>A client with its own cookie jar, like one browser: for the sign-in and consent forms.</summary>
    public HttpClient CreateBrowserLikeClient() => new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true })
    {
        BaseAddress = BaseAddress,
        Timeout = TimeSpan.FromSeconds(60),
    };

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    public static string RandomSecret() => Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
}
