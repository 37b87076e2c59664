namespace McpAspire.AuthServer.Tests.Flows;

/// <summary>The whole dance as an MCP client does it: register, sign in, consent, redeem, refresh, introspect, revoke.</summary>
public sealed class AuthorizationCodeFlowTests(AuthServerFixture fixture)
{
    private readonly OAuthFlows _oauth = new(fixture);

    [Fact]
    public async Task A_registered_public_client_gets_tokens_through_the_login_and_consent_forms()
    {
        var clientId = await _oauth.RegisterPublicClientAsync("Code flow test");
        var pkce = Pkce.Create();
        using var browser = fixture.CreateBrowserLikeClient();

        var callback = await OAuthFlows.SignInAndConsentAsync(browser,
            OAuthFlows.AuthorizeUrl(clientId, pkce, "state-1", resource: fixture.McpResource),
            AuthServerFixture.AdminUserName, fixture.AdminPassword);
        var query = QueryHelpers.ParseQuery(callback.Query);

        // Loopback redirect URI registered without a port, used with one (RFC 8252).
        Assert.Equal("http://127.0.0.1:53682/callback", callback.GetLeftPart(UriPartial.Path));
        Assert.Equal("state-1", query["state"].ToString());
        Assert.Equal(fixture.Issuer, query["iss"].ToString());

        var (response, tokens) = await _oauth.RedeemCodeAsync(clientId, query["code"].ToString(), pkce.Verifier, resource: fixture.McpResource);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal("Bearer", tokens.GetProperty("token_type").GetString());
        Assert.Equal("mcp:read mcp:write offline_access", tokens.GetProperty("scope").GetString());
        Assert.True(tokens.TryGetProperty("refresh_token", out _));

        var (_, introspection) = await _oauth.IntrospectAsync(tokens.GetProperty("access_token").GetString()!);
        Assert.True(introspection.GetProperty("active").GetBoolean());
        Assert.Equal(clientId, introspection.GetProperty("client_id").GetString());
        Assert.Equal(AuthServerFixture.AdminUserName, introspection.GetProperty("username").GetString());
        Assert.False(string.IsNullOrEmpty(introspection.GetProperty("sub").GetString()));
        Assert.Equal("mcp:read mcp:write offline_access", introspection.GetProperty("scope").GetString());
        Assert.Contains(fixture.McpResource, ClientCredentialsTests.Audiences(introspection));
        // The administrator is seeded into the administrators' group; the MCP server's access policy reads it here.
        Assert.Contains("admins", Groups(introspection));
    }

    /// <summary>RFC 7662 answers a multi-valued claim as an array and a single value as a string.</summary>
    internal static IReadOnlyList<string> Groups(System.Text.Json.JsonElement introspection) =>
        !introspection.TryGetProperty("groups", out var groups) ? []
        : groups.ValueKind == System.Text.Json.JsonValueKind.Array ? [.. groups.EnumerateArray().Select(group => group.GetString()!)]
        : [groups.GetString()!];

    [Fact]
    public async Task Consent_is_remembered_for_the_same_client_and_scopes()
    {
        var clientId = await _oauth.RegisterPublicClientAsync("Remembered consent test");
        using var browser = fixture.CreateBrowserLikeClient();
        await OAuthFlows.SignInAndConsentAsync(browser, OAuthFlows.AuthorizeUrl(clientId, Pkce.Create(), "first"),
            AuthServerFixture.AdminUserName, fixture.AdminPassword);

        using var again = await browser.GetAsync(OAuthFlows.AuthorizeUrl(clientId, Pkce.Create(), "second"));

        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.StartsWith("http://127.0.0.1:53682/callback?", again.Headers.Location!.AbsoluteUri, StringComparison.Ordinal);
        Assert.Equal("second", QueryHelpers.ParseQuery(again.Headers.Location.Query)["state"].ToString());
    }

    [Fact]
    public async Task A_refresh_token_rotates_on_every_use()
    {
        var (clientId, tokens) = await _oauth.ObtainUserTokensAsync("Refresh rotation test");
        var first = tokens.GetProperty("refresh_token").GetString()!;

        var (response, refreshed) = await _oauth.RefreshAsync(clientId, first);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var second = refreshed.GetProperty("refresh_token").GetString()!;
        Assert.NotEqual(first, second);
        var (_, introspection) = await _oauth.IntrospectAsync(refreshed.GetProperty("access_token").GetString()!);
        Assert.True(introspection.GetProperty("active").GetBoolean());
        Assert.Equal(AuthServerFixture.AdminUserName, introspection.GetProperty("username").GetString());
    }

    [Fact]
    public async Task Replaying_a_used_refresh_token_revokes_the_whole_grant()
    {
        var (clientId, tokens) = await _oauth.ObtainUserTokensAsync("Refresh reuse test");
        var first = tokens.GetProperty("refresh_token").GetString()!;
        var (_, rotated) = await _oauth.RefreshAsync(clientId, first);

        var (replay, error) = await _oauth.RefreshAsync(clientId, first);

        Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
        Assert.Equal("invalid_grant", error.GetProperty("error").GetString());
        var (_, latestAccess) = await _oauth.IntrospectAsync(rotated.GetProperty("access_token").GetString()!);
        Assert.False(latestAccess.GetProperty("active").GetBoolean());
        var (latestRefresh, refreshError) = await _oauth.RefreshAsync(clientId, rotated.GetProperty("refresh_token").GetString()!);
        Assert.Equal(HttpStatusCode.BadRequest, latestRefresh.StatusCode);
        Assert.Equal("invalid_grant", refreshError.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_code_redeemed_twice_revokes_the_tokens_it_produced()
    {
        var clientId = await _oauth.RegisterPublicClientAsync("Code replay test");
        var pkce = Pkce.Create();
        using var browser = fixture.CreateBrowserLikeClient();
        var callback = await OAuthFlows.SignInAndConsentAsync(browser, OAuthFlows.AuthorizeUrl(clientId, pkce, "s"),
            AuthServerFixture.AdminUserName, fixture.AdminPassword);
        var code = QueryHelpers.ParseQuery(callback.Query)["code"].ToString();
        var (_, tokens) = await _oauth.RedeemCodeAsync(clientId, code, pkce.Verifier);

        var (replay, error) = await _oauth.RedeemCodeAsync(clientId, code, pkce.Verifier);

        Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
        Assert.Equal("invalid_grant", error.GetProperty("error").GetString());
        var (_, introspection) = await _oauth.IntrospectAsync(tokens.GetProperty("access_token").GetString()!);
        Assert.False(introspection.GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task A_wrong_code_verifier_is_invalid_grant()
    {
        var clientId = await _oauth.RegisterPublicClientAsync("Wrong verifier test");
        var pkce = Pkce.Create();
        using var browser = fixture.CreateBrowserLikeClient();
        var callback = await OAuthFlows.SignInAndConsentAsync(browser, OAuthFlows.AuthorizeUrl(clientId, pkce, "s"),
            AuthServerFixture.AdminUserName, fixture.AdminPassword);

        var (response, error) = await _oauth.RedeemCodeAsync(clientId, QueryHelpers.ParseQuery(callback.Query)["code"].ToString(), Pkce.Create().Verifier);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_grant", error.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_public_client_revokes_its_refresh_token()
    {
        var (clientId, tokens) = await _oauth.ObtainUserTokensAsync("Revocation test");
        var refreshToken = tokens.GetProperty("refresh_token").GetString()!;

        var (revocation, _) = await _oauth.RevokeAsPublicClientAsync(clientId, refreshToken);
        var (refresh, error) = await _oauth.RefreshAsync(clientId, refreshToken);

        Assert.Equal(HttpStatusCode.OK, revocation.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, refresh.StatusCode);
        Assert.Equal("invalid_grant", error.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_public_client_revokes_its_access_token()
    {
        var (clientId, tokens) = await _oauth.ObtainUserTokensAsync("Access revocation test");
        var accessToken = tokens.GetProperty("access_token").GetString()!;

        var (revocation, _) = await _oauth.RevokeAsPublicClientAsync(clientId, accessToken);
        var (_, introspection) = await _oauth.IntrospectAsync(accessToken);

        Assert.Equal(HttpStatusCode.OK, revocation.StatusCode);
        Assert.False(introspection.GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task OpenId_scopes_alone_yield_only_mcp_read()
    {
        var (_, tokens) = await _oauth.ObtainUserTokensAsync("OpenID scopes test", scope: "openid email profile offline_access");

        Assert.Equal("mcp:read openid profile email offline_access", tokens.GetProperty("scope").GetString());
        Assert.True(tokens.TryGetProperty("id_token", out _));
    }
}
