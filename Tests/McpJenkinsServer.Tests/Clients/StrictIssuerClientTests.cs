namespace McpAspire.McpJenkinsServer.Tests.Clients;

/// <summary>
/// Kiro CLI (<c>~/.kiro/settings/mcp.json</c>) and Codex CLI, both on today's rmcp: modelcontextprotocol/rust-sdk
/// <c>crates/rmcp/src/transport/auth.rs</c> (release v3.1.4): <c>resolve_metadata</c> reads the 401's
/// <c>resource_metadata</c>, <c>validate_resource_metadata_resource</c> requires the metadata's <c>resource</c> to
/// name the configured URL (Kiro ≥ 2.11 compares it exactly, kirodotdev/Kiro #10169), <c>generate_discovery_urls</c>
/// tries the RFC 8414 path-inserted URL first, <c>validate_authorization_metadata_issuer</c> requires the issuer to
/// equal the authorization server named (the error "Authorization server issuer mismatch: expected …"),
/// <c>add_offline_access_if_supported</c> adds <c>offline_access</c>, <c>resource</c> goes on the authorization and
/// token requests, and <c>validate_authorization_response_issuer</c> requires the RFC 9207 <c>iss</c> when the
/// server advertises it. Kiro and Codex users report the issuer they expect is the MCP server's URL
/// (kirodotdev/Kiro #11084, openai/codex #40885): both hold here.
/// </summary>
[Collection(DistributedApplicationFixture.Collection)]
public sealed class StrictIssuerClientTests(McpAspireAppFixture app)
{
    private const string ProtocolVersion = "2025-11-25";

    [Fact]
    public async Task A_strict_issuer_client_finds_the_MCP_URL_as_issuer_everywhere_and_completes_the_dance()
    {
        using var client = new EmulatedClient(app);
        var configuredUrl = app.McpUrl.AbsoluteUri;

        var (resourceMetadataUrl, challengeScope) = await client.ProbeAsync(app.McpUrl, """{"jsonrpc":"2.0","id":0,"method":"ping"}""", ProtocolVersion);

        using var prmResponse = await client.GetAsync(new Uri(resourceMetadataUrl!));
        Assert.Equal(HttpStatusCode.OK, prmResponse.StatusCode);
        var prm = JsonDocument.Parse(await prmResponse.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(configuredUrl, prm.GetProperty("resource").GetString());
        var authorizationServer = prm.GetProperty("authorization_servers")[0].GetString()!;
        Assert.Equal(configuredUrl, authorizationServer);

        // generate_discovery_urls for an issuer with a path: RFC 8414 path-inserted first; the first 200 wins.
        var issuerUrl = new Uri(authorizationServer);
        var origin = new Uri(issuerUrl.GetLeftPart(UriPartial.Authority));
        var path = issuerUrl.AbsolutePath.Trim('/');
        string[] candidates =
        [
            $"/.well-known/oauth-authorization-server/{path}", $"/.well-known/openid-configuration/{path}",
            $"/{path}/.well-known/openid-configuration", "/.well-known/oauth-authorization-server",
        ];
        var metadata = await client.FirstFoundAsync(candidates.Select(c => new Uri(origin, c)));

        Assert.NotNull(metadata);
        Assert.Equal(authorizationServer, metadata.Value.GetProperty("issuer").GetString());
        Assert.Equal(configuredUrl, metadata.Value.GetProperty("issuer").GetString());
        Assert.True(metadata.Value.GetProperty("authorization_response_iss_parameter_supported").GetBoolean());
        Assert.Contains("S256", metadata.Value.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(m => m.GetString()));

        var supported = metadata.Value.GetProperty("scopes_supported").EnumerateArray().Select(s => s.GetString()).ToHashSet();
        var scope = challengeScope + (supported.Contains("offline_access") ? " offline_access" : "");
        var redirectUri = $"http://127.0.0.1:{Random.Shared.Next(20000, 60000)}/callback";
        var clientId = await client.RegisterRmcpClientAsync(metadata.Value.GetProperty("registration_endpoint").GetString()!, "Kiro CLI", redirectUri);

        var (verifier, challenge) = EmulatedClient.NewPkce();
        var state = EmulatedClient.NewState();
        var authorization = await client.AuthorizeAsync(
            EmulatedClient.WithQuery(metadata.Value.GetProperty("authorization_endpoint").GetString()!,
            [
                new("response_type", "code"), new("client_id", clientId), new("state", state),
                new("code_challenge", challenge), new("code_challenge_method", "S256"),
                new("redirect_uri", redirectUri), new("scope", scope), new("resource", configuredUrl),
            ]),
            new Uri(redirectUri));
        Assert.Equal(state, authorization.State);
        // validate_authorization_response_issuer: required (advertised) and equal to the metadata's issuer.
        Assert.Equal(configuredUrl, authorization.Iss);

        var tokenEndpoint = metadata.Value.GetProperty("token_endpoint").GetString()!;
        var tokens = await client.TokenAsync(tokenEndpoint,
        [
            new("grant_type", "authorization_code"), new("code", authorization.Code!), new("code_verifier", verifier),
            new("redirect_uri", redirectUri), new("client_id", clientId), new("resource", configuredUrl),
        ]);
        // The challenge named mcp:read: the token carries it (and offline_access, which the client added).
        Assert.Equal(["mcp:read", "offline_access"], tokens.GetProperty("scope").GetString()!.Split(' ').Order(StringComparer.Ordinal));
        await client.UseMcpAsync(app.McpUrl, tokens.GetProperty("access_token").GetString()!, ProtocolVersion);

        var refreshed = await client.TokenAsync(tokenEndpoint,
        [
            new("grant_type", "refresh_token"), new("refresh_token", tokens.GetProperty("refresh_token").GetString()!),
            new("client_id", clientId), new("resource", configuredUrl), new("scope", scope),
        ]);
        Assert.NotEqual(tokens.GetProperty("refresh_token").GetString(), refreshed.GetProperty("refresh_token").GetString());
        await client.UseMcpAsync(app.McpUrl, refreshed.GetProperty("access_token").GetString()!, ProtocolVersion, "list_jobs");
    }
}
