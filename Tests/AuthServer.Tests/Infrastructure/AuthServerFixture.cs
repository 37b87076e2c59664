extern alias apphost;

namespace McpAspire.AuthServer.Tests.Infrastructure;

/// <summary>
/// This assembly's one AppHost (see <see cref="DistributedApplicationFixture"/>), shared by every test class
/// in the <see cref="DistributedApplicationFixture.Collection"/> collection. Tests reach the auth server as the
/// MCP server and MCP clients would, and know the secrets the AppHost handed it.
/// </summary>
public sealed class AuthServerFixture() : DistributedApplicationFixture(typeof(apphost::Projects.AppHost))
{
    /// <summary>The auth server's public URL: where its endpoints are.</summary>
    public Uri BaseAddress => AuthServerUrl;

    /// <summary>
    /// The issuer identifier the auth server publishes: the MCP server's resource URL (the AppHost's choice, so
    /// every MCP client finds the metadata at the MCP server's origin; docs/auth-server.md, "Issuer and discovery").
    /// </summary>
    public string Issuer => McpResource;

    /// <summary>The issuer's RFC 8414 metadata URL (the well-known segment inserted before the issuer's path).</summary>
    public Uri MetadataUrl => new(new Uri(McpResource), "/.well-known/oauth-authorization-server" + new Uri(McpResource).AbsolutePath);

    /// <summary>A client of the auth server that follows no redirects (the tests look at each one) and keeps no cookies.</summary>
    public HttpClient CreateClient() => CreateHttpClient(AuthServer);

    /// <summary>A client with its own cookie jar, like one browser: for the sign-in and consent forms.</summary>
    public HttpClient CreateBrowserLikeClient() => CreateHttpClient(AuthServer, keepCookies: true);
}

[CollectionDefinition(DistributedApplicationFixture.Collection)]
public sealed class WholeAppHostGroup : ICollectionFixture<AuthServerFixture>;
