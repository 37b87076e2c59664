namespace McpAspire.McpJenkinsServer.Tests.Clients;

/// <summary>
/// The one issuer every client sees: the MCP server's URL. RFC 8414 §3.3 asks that a metadata document be served
/// only at well-known URLs built from the issuer it names, so it answers at the issuer's three well-known forms
/// on the MCP origin, and nowhere a client would build from another issuer.
/// </summary>
[Collection(DistributedApplicationFixture.Collection)]
public sealed class IssuerDiscoveryTests(McpAspireAppFixture app)
{
    [Fact]
    public async Task The_metadata_answers_only_at_URLs_built_from_the_issuer_and_names_the_auth_servers_endpoints()
    {
        using var http = new HttpClient();
        var mcpOrigin = new Uri(app.McpUrl.GetLeftPart(UriPartial.Authority));
        var authOrigin = new Uri(app.AuthServerUrl.GetLeftPart(UriPartial.Authority));
        var documents = new List<string>();
        foreach (var path in new[] { "/.well-known/oauth-authorization-server/mcp", "/.well-known/openid-configuration/mcp", "/mcp/.well-known/openid-configuration" })
        {
            using var response = await http.GetAsync(new Uri(mcpOrigin, path));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            documents.Add(await response.Content.ReadAsStringAsync());
        }

        var metadata = JsonDocument.Parse(documents[0]).RootElement;
        Assert.Equal(app.McpUrl.AbsoluteUri, metadata.GetProperty("issuer").GetString());
        foreach (var (name, path) in new[]
        {
            ("authorization_endpoint", "/authorize"), ("token_endpoint", "/token"), ("registration_endpoint", "/register"),
            ("introspection_endpoint", "/introspect"), ("revocation_endpoint", "/revoke"), ("jwks_uri", "/.well-known/jwks"),
        })
        {
            Assert.Equal(new Uri(authOrigin, path).AbsoluteUri, metadata.GetProperty(name).GetString());
        }

        Assert.All(documents, document => Assert.Equal(
            app.McpUrl.AbsoluteUri, JsonDocument.Parse(document).RootElement.GetProperty("issuer").GetString()));

        // Built from other issuers (the MCP origin's root, the auth server's URL): nothing there.
        foreach (var url in new[]
        {
            new Uri(mcpOrigin, "/.well-known/oauth-authorization-server"), new Uri(mcpOrigin, "/.well-known/openid-configuration"),
            new Uri(authOrigin, "/.well-known/oauth-authorization-server"), new Uri(authOrigin, "/.well-known/openid-configuration"),
            new Uri(authOrigin, "/.well-known/oauth-authorization-server/mcp"),
        })
        {
            using var response = await http.GetAsync(url);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
    }
}
