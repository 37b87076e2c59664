extern alias apphost;

using System.Reflection;
using apphost::McpAspire.AppHost.DynamoDb;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using McpAspire.AuthServer.Tests.Persistence;

[assembly: AssemblyFixture(typeof(McpAspire.AuthServer.Tests.Infrastructure.AuthServerFixture))]

namespace McpAspire.AuthServer.Tests.Infrastructure;

/// <summary>
/// This assembly's one app (see <see cref="DistributedApplicationFixture"/>), an xUnit assembly fixture: started once
/// before the first test, ended after the last, and handed to every test class that takes it. Test classes are not
/// in one collection, so they run side by side on it (xunit.runner.json says how many at once): each test makes its
/// own users, clients and upstream people and changes nothing another test relies on. Tests reach the auth server as
/// the MCP server and MCP clients would, and know the secrets the AppHost handed it.
/// <para>
/// The app is the whole AppHost with one more resource: a real upstream OpenID provider (the certified Node.js
/// <c>oidc-provider</c>, UpstreamProvider/server.mjs) as an executable, registered at the auth server as provider
/// <see cref="Provider"/> through the AppHost's own configuration path (<c>AuthServer:ExternalProviders</c> and the
/// secret parameter), plus a GitHub provider that is configured but never reached (there is no network to GitHub
/// here). So the sign-in page offers "Sign in with …" forms beside the password form, and OpenIddict logs at
/// Information. The persistence tests use the same app's DynamoDB Local (<see cref="DynamoDbLocalFixture"/>).
/// </para>
/// </summary>
public sealed class AuthServerFixture() : DistributedApplicationFixture(typeof(apphost::Projects.AppHost))
{
    public const string Provider = "corp";
    public const string ProviderDisplayName = "Example Corp";
    public const string GitHub = "github";
    public const string UpstreamResource = "upstream-idp";
    public const string UpstreamClientId = "mcpaspire-auth-server";

    /// <summary>Where the test provider's packages are (installed by the build from the pinned lock file).</summary>
    public static readonly string UpstreamDirectory = typeof(AuthServerFixture).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(attribute => attribute.Key == "UpstreamProviderDirectory").Value!;

    /// <summary>The auth server's public URL: where its endpoints are.</summary>
    public Uri BaseAddress => AuthServerUrl;

    /// <summary>
    /// The issuer identifier the auth server publishes: the MCP server's resource URL (the AppHost's choice, so
    /// every MCP client finds the metadata at the MCP server's origin; docs/auth-server.md, "Issuer and discovery").
    /// </summary>
    public string Issuer => McpResource;

    /// <summary>The issuer's RFC 8414 metadata URL (the well-known segment inserted before the issuer's path).</summary>
    public Uri MetadataUrl => new(new Uri(McpResource), "/.well-known/oauth-authorization-server" + new Uri(McpResource).AbsolutePath);

    /// <summary>The auth server's client secret at the upstream provider: what must never appear in a log or a URL.</summary>
    public string UpstreamClientSecret { get; } = DistributedApplicationTestFactory.RandomSecret();

    private string ControlSecret { get; } = DistributedApplicationTestFactory.RandomSecret();

    /// <summary>The upstream provider's issuer (its URL as the auth server and browsers reach it).</summary>
    public Uri UpstreamUrl => App.GetEndpoint(UpstreamResource, "http");

    /// <summary>The app's DynamoDB Local (its services' tables have the AppHost's prefix, <see cref="DynamoDbLocalDefaults.DefaultTablePrefix"/>).</summary>
    public string DynamoDbUrl => App.GetEndpoint("dynamodb", DynamoDbLocalDefaults.EndpointName).GetLeftPart(UriPartial.Authority);

    /// <summary>A client of <see cref="DynamoDbUrl"/>, to read what the services stored.</summary>
    public AmazonDynamoDBClient CreateDynamoDbClient() => DynamoDbLocalFixture.CreateClient(DynamoDbUrl);

    /// <summary>A client of the auth server that follows no redirects (the tests look at each one) and keeps no cookies.</summary>
    public HttpClient CreateClient() => CreateHttpClient(AuthServer);

    /// <summary>A client with its own cookie jar, like one browser: for the sign-in and consent forms.</summary>
    public HttpClient CreateBrowserLikeClient() => CreateHttpClient(AuthServer, keepCookies: true);

    protected override IEnumerable<string> Arguments =>
    [
        $"AuthServer:ExternalProviders:{Provider}:DisplayName={ProviderDisplayName}",
        $"AuthServer:ExternalProviders:{Provider}:ClientId={UpstreamClientId}",
        $"AuthServer:ExternalProviders:{Provider}:Scopes=openid profile email groups",
        $"Parameters:{Provider}-client-secret={UpstreamClientSecret}",
        $"AuthServer:ExternalProviders:{GitHub}:Kind=GitHub",
        $"AuthServer:ExternalProviders:{GitHub}:ClientId=github-client-id",
        $"Parameters:{GitHub}-client-secret={DistributedApplicationTestFactory.RandomSecret()}",
    ];

    protected override IEnumerable<string> Configure(IDistributedApplicationTestingBuilder builder)
    {
        if (!File.Exists(Path.Combine(UpstreamDirectory, "node_modules", "oidc-provider", "package.json")))
        {
            throw new InvalidOperationException($"oidc-provider is not installed in {UpstreamDirectory}: the build installs it with npm (Node.js 20+).");
        }

        var authServer = builder.CreateResourceBuilder(builder.Resources.OfType<ProjectResource>().Single(resource => resource.Name == AuthServer));
        var authServerUrl = authServer.GetEndpoint("http");
        var upstream = builder.AddExecutable(UpstreamResource, "node", UpstreamDirectory, "server.mjs")
            .WithHttpEndpoint(name: "http", env: "PORT")
            .WithHttpHealthCheck("/.well-known/openid-configuration");
        var issuer = upstream.GetEndpoint("http");
        upstream
            .WithEnvironment("ISSUER", issuer)
            .WithEnvironment("CLIENT_ID", UpstreamClientId)
            .WithEnvironment("CLIENT_SECRET", UpstreamClientSecret)
            .WithEnvironment("REDIRECT_URI", ReferenceExpression.Create($"{authServerUrl}/account/external/{Provider}/callback"))
            .WithEnvironment("CONTROL_SECRET", ControlSecret);

        // The one setting the AppHost cannot know in advance: where the provider runs.
        authServer.WithEnvironment($"AuthServer__ExternalProviders__{Provider}__Authority", issuer);
        // OpenIddict logs every request and response it handles at Information (Warning by default): on here, so the
        // log tests see what an operator who turns it up would see.
        authServer.WithEnvironment("Logging__LogLevel__OpenIddict", "Information");
        // The first wait of the login throttle (2 s by default, doubling): longer than a test can take between two
        // sign-ins, so a test that fails one account's sign-in from one address until it is throttled sees the wait hold
        // on its next attempt however slow the machine is (with the tests running side by side, one attempt took over 2 s
        // and the next was let through). The doubling itself is tested on a fake clock (ReplicaCoordinationTests).
        authServer.WithEnvironment("LoginThrottling__FirstDelay", "00:10:00");
        // Likewise the request limits that AnonymousAttackerTests floods from one address (the default limits, per
        // minute, a fixed window from the address's first request): a window of an hour, so the flood's last request
        // lands in the window of its first however long the flood takes (under load one took half a minute).
        foreach (var limit in new[] { "Token", "Revoke", "Register" })
        {
            authServer.WithEnvironment($"RateLimiting__{limit}__Window", "01:00:00");
        }

        return [UpstreamResource];
    }

    /// <summary>
    /// Creates (or replaces) a person at the upstream provider with these claims (<c>groups</c> as given: an array, a
    /// string, or left out) and returns their upstream subject.
    /// </summary>
    public async Task<string> PutUpstreamAccountAsync(string login, string password, object claims)
    {
        using var http = new HttpClient { BaseAddress = UpstreamUrl };
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/test/accounts/{login}")
        {
            Content = JsonContent.Create(new { password, claims }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ControlSecret);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("sub").GetString()!;
    }
}
