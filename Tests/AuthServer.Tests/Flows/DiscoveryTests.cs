namespace McpAspire.AuthServer.Tests.Flows;

public sealed class DiscoveryTests(AuthServerFixture fixture)
{
    // A JWK's secret members (RFC 7518 section 6): "k", a symmetric key's value; "d" and the primes, an RSA private key's.
    private static readonly string[] SecretKeyMembers = ["k", "d", "p", "q", "dp", "dq", "qi"];

    // The issuer is the MCP server's URL, so its metadata is at the issuer's well-known URLs on the MCP server's
    // origin (RFC 8414 path-inserted, the same for OpenID, and OpenID's appended form), forwarded from the auth server.
    [Theory]
    [InlineData("/.well-known/oauth-authorization-server/mcp")]
    [InlineData("/.well-known/openid-configuration/mcp")]
    [InlineData("/mcp/.well-known/openid-configuration")]
    public async Task Metadata_advertises_everything_an_MCP_client_needs(string path)
    {
        using var http = fixture.CreateClient();
        using var response = await http.GetAsync(new Uri(new Uri(fixture.McpResource), path));
        var metadata = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var issuer = metadata.GetProperty("issuer").GetString()!;
        Assert.Equal(fixture.Issuer, issuer);
        Assert.Equal(new Uri(fixture.BaseAddress, "/authorize").AbsoluteUri, metadata.GetProperty("authorization_endpoint").GetString());
        Assert.Equal(new Uri(fixture.BaseAddress, "/token").AbsoluteUri, metadata.GetProperty("token_endpoint").GetString());
        Assert.Equal(new Uri(fixture.BaseAddress, "/introspect").AbsoluteUri, metadata.GetProperty("introspection_endpoint").GetString());
        Assert.Equal(new Uri(fixture.BaseAddress, "/revoke").AbsoluteUri, metadata.GetProperty("revocation_endpoint").GetString());
        Assert.Equal(["code"], Strings(metadata, "response_types_supported"));
        Assert.Equal(["S256"], Strings(metadata, "code_challenge_methods_supported"));
        Assert.Equal(
            ["authorization_code", "client_credentials", "refresh_token"],
            Strings(metadata, "grant_types_supported").Order(StringComparer.Ordinal));
        Assert.Equal(
            ["client_secret_basic", "client_secret_post", "none"],
            Strings(metadata, "token_endpoint_auth_methods_supported").Order(StringComparer.Ordinal));
        Assert.Superset(
            new HashSet<string> { "mcp:read", "mcp:write", "offline_access", "openid", "profile", "email" },
            Strings(metadata, "scopes_supported").ToHashSet());
    }

    [Fact]
    public async Task Metadata_announces_the_iss_parameter_in_authorization_responses()
    {
        using var http = fixture.CreateClient();
        var metadata = JsonDocument.Parse(await http.GetStringAsync(fixture.MetadataUrl)).RootElement;

        Assert.True(metadata.GetProperty("authorization_response_iss_parameter_supported").GetBoolean());
    }

    [Fact]
    public async Task Metadata_names_the_registration_endpoint()
    {
        using var http = fixture.CreateClient();
        var metadata = JsonDocument.Parse(await http.GetStringAsync(fixture.MetadataUrl)).RootElement;

        Assert.Equal(new Uri(fixture.BaseAddress, "/register").AbsoluteUri, metadata.GetProperty("registration_endpoint").GetString());
    }

    [Fact]
    public async Task The_auth_server_answers_no_well_known_URL_built_from_its_own_URL()
    {
        // RFC 8414 section 3.3: a document naming the issuer http://host/mcp is served only at URLs built from it.
        using var http = fixture.CreateClient();
        foreach (var path in new[] { "/.well-known/oauth-authorization-server", "/.well-known/openid-configuration", "/.well-known/oauth-authorization-server/mcp" })
        {
            using var response = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
    }

    [Fact]
    public async Task The_MCP_server_serves_the_auth_servers_own_document_unchanged()
    {
        using var http = fixture.CreateClient();
        var source = await http.GetStringAsync("/authorization-server-metadata");
        var served = await http.GetStringAsync(fixture.MetadataUrl);

        Assert.Equal(source, served);
    }

    [Fact]
    public async Task The_published_keys_are_RSA_public_keys_only_never_the_symmetric_ones_tokens_are_signed_with()
    {
        using var http = fixture.CreateClient();
        var metadata = JsonDocument.Parse(await http.GetStringAsync(fixture.MetadataUrl)).RootElement;
        var keys = JsonDocument.Parse(await http.GetStringAsync(metadata.GetProperty("jwks_uri").GetString())).RootElement.GetProperty("keys");

        Assert.NotEmpty(keys.EnumerateArray());
        Assert.All(keys.EnumerateArray(), key =>
        {
            Assert.Equal("RSA", key.GetProperty("kty").GetString());
            Assert.StartsWith("sig-", key.GetProperty("kid").GetString(), StringComparison.Ordinal);
            foreach (var secret in SecretKeyMembers)
            {
                Assert.False(key.TryGetProperty(secret, out _), $"the JWKS publishes '{secret}'");
            }
        });
    }

    private static string[] Strings(JsonElement metadata, string name) =>
        [.. metadata.GetProperty(name).EnumerateArray().Select(value => value.GetString()!)];
}
