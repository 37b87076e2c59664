extern alias apphost;

namespace McpAspire.AuthServer.Tests.Infrastructure;

/// <summary>
/// This assembly's one AppHost (see <see cref="DistributedApplicationFixture"/>), shared by every test class
/// in the <see cref="DistributedApplicationFixture.Collection"/> collection. Tests reach the auth server as the
/// MCP server and MCP clients would, and know the secrets the AppHost handed it.
/// </summary>
public sealed class AuthServerFixture() : DistributedApplicationFixture(typeof(apphost::Projects.AppHost))
{
    /// <summary>The issuer the auth server publishes (its public URL, as OpenIddict normalises it).</summary>
    public Uri BaseAddress => AuthServerUrl;

    /// <summary>A client of the auth server that follows no redirects (the tests look at each one) and keeps no cookies.</summary>
    public HttpClient CreateClient() => CreateHttpClient(AuthServer);

    /// <summary>A client with its own cookie jar, like one browser: for the sign-in and consent forms.</summary>
    public HttpClient CreateBrowserLikeClient() => CreateHttpClient(AuthServer, keepCookies: true);
}

[CollectionDefinition(DistributedApplicationFixture.Collection)]
public sealed class WholeAppHostGroup : ICollectionFixture<AuthServerFixture>;
