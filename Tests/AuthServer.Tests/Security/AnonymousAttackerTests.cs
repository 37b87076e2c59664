namespace McpAspire.AuthServer.Tests.Security;

/// <summary>
/// Issue 12's attacks, each performed as an anonymous party on the network would against the whole AppHost.
/// Every one of them succeeded before the fix (the test names say what is refused now).
/// </summary>
public sealed class AnonymousAttackerTests(AuthServerFixture fixture)
{
    private readonly OAuthFlows _oauth = new(fixture);

    // ---- 1. Drive Jenkins without any user ----

    [Fact]
    public async Task Anonymous_registration_of_a_client_credentials_client_is_refused()
    {
        using var http = fixture.CreateClient();

        using var response = await http.PostAsync("/register", Json("""{"grant_types":["client_credentials"],"token_endpoint_auth_method":"client_secret_post"}"""));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_client_metadata", body.GetProperty("error").GetString());
        Assert.False(body.TryGetProperty("client_secret", out _));
    }

    [Fact]
    public async Task A_registered_confidential_client_gets_no_token_for_itself()
    {
        using var http = fixture.CreateClient();
        using var registered = await http.PostAsync("/register", Json("""{"redirect_uris":["http://127.0.0.1/callback"],"token_endpoint_auth_method":"client_secret_post"}"""));
        var client = await registered.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);

        var (response, body) = await _oauth.PostAsync("/token", OAuthFlows.Form(
            ("grant_type", "client_credentials"), ("scope", "mcp:read mcp:write"),
            ("client_id", client.GetProperty("client_id").GetString()!), ("client_secret", client.GetProperty("client_secret").GetString()!)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("unauthorized_client", body.GetProperty("error").GetString());
        Assert.False(body.TryGetProperty("access_token", out _));
    }

    [Fact]
    public async Task The_mcp_servers_introspection_client_cannot_mint_a_token()
    {
        var (response, body) = await _oauth.ClientCredentialsAsync(
            new MachineClient(AuthServerFixture.IntrospectionClientId, fixture.IntrospectionSecret), scope: "mcp:read");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("unauthorized_client", body.GetProperty("error").GetString());
        Assert.False(body.TryGetProperty("access_token", out _));
    }

    [Fact]
    public async Task A_machine_client_gets_exactly_the_scopes_the_administrator_granted()
    {
        var reader = await _oauth.CreateMachineClientAsync("Nightly report", "mcp:read");
        var writer = await _oauth.CreateMachineClientAsync("Release bot", "mcp:read", "mcp:write");

        var (readerWrite, readerError) = await _oauth.ClientCredentialsAsync(reader, scope: "mcp:read mcp:write");
        var (writerWrite, writerTokens) = await _oauth.ClientCredentialsAsync(writer, scope: "mcp:read mcp:write");

        Assert.Equal(HttpStatusCode.BadRequest, readerWrite.StatusCode);
        Assert.False(readerError.TryGetProperty("access_token", out _));
        Assert.Equal(HttpStatusCode.OK, writerWrite.StatusCode);
        Assert.Equal("mcp:read mcp:write", writerTokens.GetProperty("scope").GetString());
    }

    [Fact]
    public async Task The_machine_client_page_sends_anyone_not_signed_in_to_the_sign_in_form_and_creates_nothing()
    {
        using var http = fixture.CreateClient();

        using var page = await http.GetAsync(OAuthFlows.MachineClientsPage);
        using var post = await http.PostAsync(OAuthFlows.MachineClientsPage + "?handler=create",
            OAuthFlows.Form(("name", "intruder"), ("scope", "mcp:write")));

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/account/login", page.Headers.Location!.IsAbsoluteUri ? page.Headers.Location.AbsolutePath : page.Headers.Location.OriginalString.Split('?')[0]);
        Assert.NotEqual(HttpStatusCode.OK, post.StatusCode);
        Assert.DoesNotContain("created-client-secret", await post.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deleted_machine_client_and_its_tokens_stop_working_at_once()
    {
        var client = await _oauth.CreateMachineClientAsync("Short-lived bot", "mcp:read");
        var (_, tokens) = await _oauth.ClientCredentialsAsync(client, scope: "mcp:read");
        using var browser = fixture.CreateBrowserLikeClient();
        var page = await _oauth.SignInAsAdministratorAsync(browser, OAuthFlows.MachineClientsPage);

        using var deleted = await browser.PostAsync(OAuthFlows.MachineClientsPage + "?handler=delete", OAuthFlows.Form(
            ("client_id", client.ClientId),
            ("__RequestVerificationToken", HtmlForm.AntiforgeryToken(page))));
        var (_, introspection) = await _oauth.IntrospectAsync(tokens.GetProperty("access_token").GetString()!);
        var (again, _) = await _oauth.ClientCredentialsAsync(client, scope: "mcp:read");

        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.False(introspection.GetProperty("active").GetBoolean());
        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
    }

    // ---- 2. Skip the rate limits by spelling the path differently ----

    [Theory]
    [InlineData("/token")]
    [InlineData("/TOKEN")]
    [InlineData("/token/")]
    [InlineData("/Token")]
    public async Task Token_requests_are_limited_however_the_path_is_spelled(string path)
    {
        var statuses = await FloodAsync(path, 61, () => OAuthFlows.Form(("grant_type", "client_credentials"), ("client_id", "nobody"), ("client_secret", "x")));

        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, statuses.Take(60));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
    }

    [Theory]
    [InlineData("/revoke")]
    [InlineData("/REVOKE/")]
    public async Task Revocation_requests_are_limited(string path)
    {
        var statuses = await FloodAsync(path, 61, () => OAuthFlows.Form(("token", "junk"), ("client_id", "nobody")));

        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, statuses.Take(60));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
    }

    [Fact]
    public async Task Registration_management_counts_against_the_registration_limit()
    {
        // 20 a minute per address: management calls with a bad token spend the same permits as registrations.
        var statuses = await FloodAsync("/Register/some-client", 21, () => null, HttpMethod.Get);

        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, statuses.Take(20));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
    }

    // ---- 3. Use the authorization server as an open redirector ----

    [Fact]
    public async Task A_refused_request_is_not_redirected_to_a_registered_https_uri()
    {
        const string evil = "https://evil.example.com/landing";
        var clientId = await _oauth.RegisterPublicClientAsync("Open redirect attempt", evil);
        using var http = fixture.CreateClient();

        using var response = await http.GetAsync($"/authorize?client_id={Uri.EscapeDataString(clientId)}&redirect_uri={Uri.EscapeDataString(evil)}&response_type=code");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Contains("invalid_request", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_silent_request_is_not_redirected_to_a_registered_https_uri()
    {
        const string evil = "https://evil.example.com/landing";
        var clientId = await _oauth.RegisterPublicClientAsync("Silent redirect attempt", evil);
        using var http = fixture.CreateClient();

        using var response = await http.GetAsync(OAuthFlows.AuthorizeUrl(clientId, Pkce.Create(), "s", redirectUri: evil,
            extra: new Dictionary<string, string?> { ["prompt"] = "none" }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Contains("login_required", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    // ---- 5. Make the server echo and store megabytes ----

    [Fact]
    public async Task An_over_long_user_name_is_refused_unread_and_not_echoed()
    {
        var name = "N" + new string('x', 299);
        using var browser = fixture.CreateBrowserLikeClient();
        var loginPage = await browser.GetStringAsync("/account/login");

        using var response = await browser.PostAsync("/account/login", OAuthFlows.Form(
            ("username", name), ("password", "whatever"), ("returnUrl", "/"),
            ("__RequestVerificationToken", HtmlForm.AntiforgeryToken(loginPage))));
        var page = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(name[..100], page, StringComparison.Ordinal);
        Assert.Contains("at most 256", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_megabytes_large_sign_in_form_is_refused_without_being_echoed()
    {
        var name = new string('m', 2 * 1024 * 1024);
        using var browser = fixture.CreateBrowserLikeClient();
        var loginPage = await browser.GetStringAsync("/account/login");

        // Expect: 100-continue, as curl sends for large bodies: the server answers before the body is sent.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/account/login")
        {
            Content = OAuthFlows.Form(("username", name), ("password", "whatever"), ("returnUrl", "/"),
                ("__RequestVerificationToken", HtmlForm.AntiforgeryToken(loginPage))),
        };
        request.Headers.ExpectContinue = true;
        using var response = await browser.SendAsync(request);
        var page = await response.Content.ReadAsStringAsync();

        // Refused while reading the form (413 from the size limit, or 400 once the form cannot be read): either way unread and not echoed.
        Assert.True(response.StatusCode is HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.BadRequest, response.StatusCode.ToString());
        Assert.True(page.Length < 64 * 1024, $"The answer is {page.Length} characters long.");
        Assert.DoesNotContain(name[..1000], page, StringComparison.Ordinal);
    }

    // ---- 6. Lock the admin out ----

    [Fact]
    public async Task Guessing_the_admin_password_from_one_address_does_not_lock_the_admin_out_elsewhere()
    {
        using (var attacker = fixture.CreateBrowserLikeClient())
        {
            var statuses = new List<HttpStatusCode>();
            for (var i = 0; i < 25; i++)
            {
                var loginPage = await attacker.GetStringAsync("/account/login");
                using var guess = await attacker.PostAsync("/account/login", OAuthFlows.Form(
                    ("username", AuthServerFixture.AdminUserName), ("password", "guess-" + i), ("returnUrl", "/"),
                    ("__RequestVerificationToken", HtmlForm.AntiforgeryToken(loginPage))));
                statuses.Add(guess.StatusCode);
            }

            Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        }

        using var owner = fixture.CreateBrowserLikeClient();
        var page = await _oauth.SignInAsAdministratorAsync(owner, OAuthFlows.MachineClientsPage);

        Assert.Contains("Machine clients", page, StringComparison.Ordinal);
    }

    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    /// <summary>Sends <paramref name="count"/> requests to <paramref name="path"/> from one client address.</summary>
    private async Task<List<HttpStatusCode>> FloodAsync(string path, int count, Func<HttpContent?> content, HttpMethod? method = null)
    {
        using var http = fixture.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < count; i++)
        {
            using var request = new HttpRequestMessage(method ?? HttpMethod.Post, path) { Content = content() };
            using var response = await http.SendAsync(request);
            statuses.Add(response.StatusCode);
        }

        return statuses;
    }
}
