extern alias apphost;

using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Reflection;
using apphost::McpAspire.AppHost.DynamoDb;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace McpAspire.AuthServer.Tests.ExternalSignIn;

/// <summary>
/// The whole AppHost with one more resource: a real upstream OpenID provider (the certified Node.js
/// <c>oidc-provider</c>, UpstreamProvider/server.mjs) as an executable, registered at the auth server as provider
/// <see cref="Provider"/> through the AppHost's own configuration path (<c>AuthServer:ExternalProviders</c> and the
/// secret parameter), plus a GitHub provider that is configured but never reached (there is no network to GitHub
/// here). Started once for the federated sign-in tests.
/// </summary>
public sealed class FederatedAppFixture() : DistributedApplicationFixture(typeof(apphost::Projects.AppHost))
{
    public const string Provider = "corp";
    public const string ProviderDisplayName = "Example Corp";
    public const string GitHub = "github";
    public const string UpstreamResource = "upstream-idp";
    public const string UpstreamClientId = "mcpaspire-auth-server";

    /// <summary>Where the test provider's packages are (installed by the build from the pinned lock file).</summary>
    public static readonly string UpstreamDirectory = typeof(FederatedAppFixture).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(attribute => attribute.Key == "UpstreamProviderDirectory").Value!;

    /// <summary>The auth server's client secret at the upstream provider: what must never appear in a log or a URL.</summary>
    public string UpstreamClientSecret { get; } = DistributedApplicationTestFactory.RandomSecret();

    private string ControlSecret { get; } = DistributedApplicationTestFactory.RandomSecret();

    /// <summary>The upstream provider's issuer (its URL as the auth server and browsers reach it).</summary>
    public Uri UpstreamUrl => App.GetEndpoint(UpstreamResource, "http");

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
        // log test sees what an operator who turns it up would see.
        authServer.WithEnvironment("Logging__LogLevel__OpenIddict", "Information");
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

/// <summary>
/// The federated sign-in tests share one app and run alone: a second whole AppHost beside the shared one would
/// only slow both on a 2-core machine.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FederatedAppGroup : ICollectionFixture<FederatedAppFixture>
{
    public const string Name = "Federated sign-in";
}
