namespace McpAspire.AuthServer.Tests.Flows;

/// <summary>
/// Each way an authorization request is refused. Errors go back to the client only once its redirect URI
/// is known to be registered; before that they are shown on a page and never redirected.
/// </summary>
public sealed class AuthorizationRefusalTests(AuthServerFixture fixture)
{
    private readonly OAuthFlows _oauth = new(fixture);

    [Fact]
    public async Task An_unknown_client_is_shown_an_error_page_not_redirected()
    {
        var page = await ErrorPageAsync(OAuthFlows.AuthorizeUrl("no-such-client-" + Guid.NewGuid(), Pkce.Create(), "s"));

        Assert.Contains("invalid_request", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unregistered_redirect_uri_is_shown_an_error_page_not_redirected()
    {
        var clientId = await _oauth.RegisterPublicClientAsync("Unregistered redirect test");

        var page = await ErrorPageAsync(OAuthFlows.AuthorizeUrl(clientId, Pkce.Create(), "s",
            redirectUri: "https://attacker.example/callback"));

        Assert.Contains("invalid_request", page, StringComparison.Ordinal);
        Assert.DoesNotContain("attacker.example/callback?", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_loopback_redirect_uri_with_another_path_is_refused()
    {
        var clientId = await _oauth.RegisterPublicClientAsync("Loopback path test");

        await ErrorPageAsync(OAuthFlows.AuthorizeUrl(clientId, Pkce.Create(), "s",
            redirectUri: "http://127.0.0.1:53682/other"));
    }

    [Fact]
    public async Task A_request_without_code_challenge_is_invalid_request()
    {
        var clientId = await _oauth.RegisterPublicClientAsync("Missing PKCE test");
        var url = OAuthFlows.AuthorizeUrl(clientId, Pkce.Create(), "s",
            extra: new Dictionary<string, string?> { ["code_challenge"] = null, ["code_challenge_method"] = null });

        var error = await RefusalAsync(url);

        Assert.Equal("invalid_request", error);
    }

    [Fact]
    public async Task A_plain_code_challenge_is_invalid_request()
    {
        var clientId = await _oauth.RegisterPublicClientAsync("Plain PKCE test");
        var pkce = Pkce.Create();
        var url = OAuthFlows.AuthorizeUrl(clientId, pkce, "s",
            extra: new Dictionary<string, string?> { ["code_challenge"] = pkce.Verifier, ["code_challenge_method"] = "plain" });

        var error = await RefusalAsync(url);

        Assert.Equal("invalid_request", error);
    }

    [Fact]
    public async Task An_implicit_flow_request_is_unsupported_response_type()
    {
        var clientId = await _oauth.RegisterPublicClientAsync("Implicit test");
        var url = OAuthFlows.AuthorizeUrl(clientId, Pkce.Create(), "s",
            extra: new Dictionary<string, string?> { ["response_type"] = "token" });

        var error = await RefusalAsync(url);

        Assert.Equal("unsupported_response_type", error);
    }

    [Fact]
    public async Task An_unknown_scope_is_invalid_scope()
    {
        var clientId = await _oauth.RegisterPublicClientAsync("Unknown scope test");

        var error = await RefusalAsync(OAuthFlows.AuthorizeUrl(clientId, Pkce.Create(), "s", scope: "mcp:read jenkins:admin"));

        Assert.Equal("invalid_scope", error);
    }

    [Fact]
    public async Task An_unknown_resource_is_invalid_target()
    {
        var clientId = await _oauth.RegisterPublicClientAsync("Unknown resource test");

        var error = await RefusalAsync(OAuthFlows.AuthorizeUrl(clientId, Pkce.Create(), "s", resource: "https://elsewhere.example/mcp"));

        Assert.Equal("invalid_target", error);
    }

    [Fact]
    public async Task A_silent_request_without_a_session_is_login_required()
    {
        var clientId = await _oauth.RegisterPublicClientAsync("Prompt none test");

        var error = await RefusalAsync(OAuthFlows.AuthorizeUrl(clientId, Pkce.Create(), "s",
            extra: new Dictionary<string, string?> { ["prompt"] = "none" }));

        Assert.Equal("login_required", error);
    }

    [Fact]
    public async Task A_user_who_denies_consent_sends_access_denied_back()
    {
        using var browser = fixture.CreateBrowserLikeClient();
        var consentPage = await AdministratorsConsentPageAsync(browser, "Denied consent test", "deny-state");

        var callback = await OAuthFlows.DecideAsync(browser, consentPage, "deny");
        var query = QueryHelpers.ParseQuery(callback.Query);

        Assert.Equal("access_denied", query["error"].ToString());
        Assert.Equal("deny-state", query["state"].ToString());
        Assert.Equal(fixture.Issuer, query["iss"].ToString());
    }

    [Fact]
    public async Task A_consent_post_without_the_antiforgery_token_is_refused()
    {
        using var browser = fixture.CreateBrowserLikeClient();
        var consentPage = await AdministratorsConsentPageAsync(browser, "Antiforgery test", "s");
        var forged = HtmlForm.HiddenFields(consentPage).Where(field => field.Key != "__RequestVerificationToken").ToList();
        forged.Add(new("decision", "allow"));

        using var response = await browser.PostAsync("/authorize", new FormUrlEncodedContent(forged));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task A_wrong_password_is_refused_without_saying_which_part_was_wrong()
    {
        using var browser = fixture.CreateBrowserLikeClient();
        var loginPage = await browser.GetStringAsync("/account/login");

        using var response = await browser.PostAsync("/account/login", OAuthFlows.Form(
            ("username", AuthServerFixture.AdminUserName), ("password", "wrong-" + DistributedApplicationTestFactory.RandomSecret()),
            ("returnUrl", "/"), ("__RequestVerificationToken", HtmlForm.AntiforgeryToken(loginPage))));
        var page = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("The user name or password is not correct.", page, StringComparison.Ordinal);
        Assert.DoesNotContain("mcpaspire.session", string.Join(';', response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : []), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Repeated_failed_sign_ins_on_one_account_are_throttled()
    {
        // An account of its own (unknown names are throttled too), so the admin account stays usable.
        var userName = "throttled-" + Guid.NewGuid().ToString("N");
        using var browser = fixture.CreateBrowserLikeClient();
        HttpStatusCode last = default;
        string? retryAfter = null;
        for (var attempt = 0; attempt < 6; attempt++)
        {
            var loginPage = await browser.GetStringAsync("/account/login");
            using var response = await browser.PostAsync("/account/login", OAuthFlows.Form(
                ("username", userName), ("password", "wrong"), ("returnUrl", "/"),
                ("__RequestVerificationToken", HtmlForm.AntiforgeryToken(loginPage))));
            last = response.StatusCode;
            retryAfter = response.Headers.RetryAfter?.ToString();
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, last);
        Assert.NotNull(retryAfter);
    }

    [Fact]
    public async Task The_login_page_cannot_be_framed_cached_or_run_scripts()
    {
        using var http = fixture.CreateClient();

        using var response = await http.GetAsync("/account/login");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString() ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_login_page_never_redirects_off_site()
    {
        using var browser = fixture.CreateBrowserLikeClient();
        var loginPage = await browser.GetStringAsync("/account/login");

        using var response = await browser.PostAsync("/account/login", OAuthFlows.Form(
            ("username", AuthServerFixture.AdminUserName), ("password", fixture.AdminPassword),
            ("returnUrl", "https://attacker.example/"), ("__RequestVerificationToken", HtmlForm.AntiforgeryToken(loginPage))));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location!.OriginalString);
    }

    /// <summary>Follows the request as far as the client's redirect and returns the OAuth error it carries.</summary>
    private async Task<string> RefusalAsync(string authorizeUrl)
    {
        using var http = fixture.CreateClient();
        using var response = await http.GetAsync(authorizeUrl);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.Equal("http://127.0.0.1:53682/callback", location.GetLeftPart(UriPartial.Path));
        // The code flow answers in the query; an implicit-flow request is answered in the fragment.
        var query = QueryHelpers.ParseQuery(location.Query.Length > 0 ? location.Query : "?" + location.Fragment.TrimStart('#'));
        Assert.Equal("s", query["state"].ToString());
        Assert.Equal(fixture.Issuer, query["iss"].ToString());
        return query["error"].ToString();
    }

    /// <summary>Sends the request and asserts it is answered here, with an error page, rather than redirected anywhere; returns the page.</summary>
    private async Task<string> ErrorPageAsync(string authorizeUrl)
    {
        using var http = fixture.CreateClient();
        using var response = await http.GetAsync(authorizeUrl);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>A new public client's authorization request, signed in as the administrator in <paramref name="browser"/>: the consent page.</summary>
    private async Task<string> AdministratorsConsentPageAsync(HttpClient browser, string clientName, string state)
    {
        var clientId = await _oauth.RegisterPublicClientAsync(clientName);
        return await OAuthFlows.SignInForConsentAsync(browser, OAuthFlows.AuthorizeUrl(clientId, Pkce.Create(), state),
            AuthServerFixture.AdminUserName, fixture.AdminPassword);
    }
}
