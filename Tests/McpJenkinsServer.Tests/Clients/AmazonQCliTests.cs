namespace McpAspire.McpJenkinsServer.Tests.Clients;

/// <summary>
/// Amazon Q Developer CLI (<c>q chat</c>, <c>~/.aws/amazonq/mcp.json</c>), whose OAuth is rmcp 0.8's
/// <c>AuthorizationManager</c>: modelcontextprotocol/rust-sdk, tag <c>rmcp-v0.8.0</c>,
/// <c>crates/rmcp/src/transport/auth.rs</c> (<c>well_known_paths</c>, <c>discover_metadata</c>,
/// <c>register_client</c>, <c>get_authorization_url</c>, <c>exchange_code_for_token</c>, <c>refresh_token</c>), and
/// the Q CLI's defaults (client name "Q DEV CLI", a loopback redirect URI without a path, scopes
/// <c>openid email profile offline_access</c> unless <c>oauthScopes</c> is set). It never reads the 401's
/// <c>resource_metadata</c> nor the protected resource metadata, and never sends <c>resource</c>.
/// </summary>
[Collection(DistributedApplicationFixture.Collection)]
public sealed class AmazonQCliTests(McpAspireAppFixture app)
{
    /// <summary>rmcp 0.8's streamable HTTP client speaks this protocol revision.</summary>
    private const string ProtocolVersion = "2025-03-26";

    [Fact]
    public async Task Amazon_Q_with_its_default_scopes_finds_the_metadata_at_the_MCP_origin_and_gets_a_read_token_that_refreshes()
    {
        using var q = new EmulatedClient(app);
        var tokens = await SignInAsync(q, "openid email profile offline_access");

        Assert.Equal(["email", "mcp:read", "offline_access", "openid", "profile"], Scopes(tokens));
        await q.UseMcpAsync(app.McpUrl, tokens.GetProperty("access_token").GetString()!, ProtocolVersion);

        var refreshed = await RefreshAsync(q, tokens);
        await q.UseMcpAsync(app.McpUrl, refreshed.GetProperty("access_token").GetString()!, ProtocolVersion, "list_jobs");
    }

    [Fact]
    public async Task Amazon_Q_with_oauthScopes_gets_the_write_scope_and_a_refresh_token()
    {
        using var q = new EmulatedClient(app);
        var tokens = await SignInAsync(q, "mcp:read mcp:write offline_access");

        Assert.Equal(["mcp:read", "mcp:write", "offline_access"], Scopes(tokens));
        // A write tool: a queue item that does not exist is a tool error, but the call passes the scope check (no 403).
        await q.UseMcpAsync(app.McpUrl, tokens.GetProperty("access_token").GetString()!, ProtocolVersion);
        var (cancel, _) = await q.McpAsync(app.McpUrl, tokens.GetProperty("access_token").GetString()!,
            """{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"cancel_queue_item","arguments":{"id":987654321}}}""", ProtocolVersion);
        using (cancel)
        {
            Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        }

        var refreshed = await RefreshAsync(q, tokens);
        Assert.Equal(["mcp:read", "mcp:write", "offline_access"], Scopes(refreshed));
        await q.UseMcpAsync(app.McpUrl, refreshed.GetProperty("access_token").GetString()!, ProtocolVersion);
    }

    /// <summary>Discovery, registration, sign-in and the code exchange, in rmcp 0.8's order and with its parameters.</summary>
    private async Task<JsonElement> SignInAsync(EmulatedClient q, string scope)
    {
        // The probe: a request without a token is refused, which starts OAuth.
        await q.ProbeAsync(app.McpUrl, """{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-03-26","capabilities":{},"clientInfo":{"name":"Q DEV CLI","version":"1"}}}""", ProtocolVersion);

        // discover_metadata: the MCP URL's origin with the well-known segment inserted before its path, then appended,
        // then the root; the first 200 wins.
        var origin = new Uri(app.McpUrl.GetLeftPart(UriPartial.Authority));
        string[] candidates = ["/.well-known/oauth-authorization-server/mcp", "/mcp/.well-known/oauth-authorization-server", "/.well-known/oauth-authorization-server"];
        var metadata = await q.FirstFoundAsync(candidates.Select(c => new Uri(origin, c)), new Dictionary<string, string> { ["MCP-Protocol-Version"] = "2024-11-05" });

        // Found at the first candidate: the RFC 8414 URL of the issuer, which is the MCP URL itself.
        Assert.NotNull(metadata);
        Assert.Equal(new Uri(origin, candidates[0]), q.Requests.Last().Url);
        Assert.Equal(app.McpUrl.AbsoluteUri, metadata.Value.GetProperty("issuer").GetString());
        var authorizationEndpoint = metadata.Value.GetProperty("authorization_endpoint").GetString()!;
        var tokenEndpoint = metadata.Value.GetProperty("token_endpoint").GetString()!;
        var registrationEndpoint = metadata.Value.GetProperty("registration_endpoint").GetString()!;
        Assert.StartsWith(app.AuthServerUrl.GetLeftPart(UriPartial.Authority) + "/", authorizationEndpoint, StringComparison.Ordinal);

        // register_client: a public client with a loopback redirect URI on the port its listener got, no path.
        var redirectUri = $"http://127.0.0.1:{Random.Shared.Next(20000, 60000)}";
        var clientId = await q.RegisterRmcpClientAsync(registrationEndpoint, "Q DEV CLI", redirectUri);

        // get_authorization_url: the oauth2 crate's parameters and order; PKCE S256; no resource.
        var (verifier, challenge) = EmulatedClient.NewPkce();
        var state = EmulatedClient.NewState();
        var authorization = await q.AuthorizeAsync(
            EmulatedClient.WithQuery(authorizationEndpoint,
            [
                new("response_type", "code"), new("client_id", clientId), new("state", state),
                new("code_challenge", challenge), new("code_challenge_method", "S256"),
                new("redirect_uri", redirectUri), new("scope", scope),
            ]),
            new Uri(redirectUri));
        Assert.Equal(state, authorization.State);

        // exchange_code_for_token: code, verifier, redirect URI and client id in the form; no resource.
        return await q.TokenAsync(tokenEndpoint,
        [
            new("grant_type", "authorization_code"), new("code", authorization.Code!),
            new("code_verifier", verifier), new("redirect_uri", redirectUri), new("client_id", clientId),
        ]);

        // The token carries the MCP audience although no resource was named: the MCP server accepts it (UseMcpAsync).
    }

    /// <summary>refresh_token: the refresh token and the client id; no scope, no resource. The refresh token rotates.</summary>
    private async Task<JsonElement> RefreshAsync(EmulatedClient q, JsonElement tokens)
    {
        using var metadata = await q.GetAsync(new Uri(app.McpUrl, "/.well-known/oauth-authorization-server/mcp"));
        var tokenEndpoint = JsonDocument.Parse(await metadata.Content.ReadAsStringAsync()).RootElement.GetProperty("token_endpoint").GetString()!;
        var refreshToken = tokens.GetProperty("refresh_token").GetString()!;
        var clientId = q.Requests.Count > 0 ? ClientIdOf(q) : "";
        var refreshed = await q.TokenAsync(tokenEndpoint,
        [
            new("grant_type", "refresh_token"), new("refresh_token", refreshToken), new("client_id", clientId),
        ]);
        Assert.NotEqual(refreshToken, refreshed.GetProperty("refresh_token").GetString());
        return refreshed;
    }

    private static string ClientIdOf(EmulatedClient q)
    {
        var authorize = q.SignIn.AuthorizationRequests.Last();
        return System.Web.HttpUtility.ParseQueryString(authorize.Query)["client_id"]!;
    }

    private static string[] Scopes(JsonElement tokens)
        => [.. tokens.GetProperty("scope").GetString()!.Split(' ').Order(StringComparer.Ordinal)];
}
