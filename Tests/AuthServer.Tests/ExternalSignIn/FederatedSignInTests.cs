using System.Text.RegularExpressions;
using Aspire.Hosting.ApplicationModel;
using McpAspire.AuthServer.Tests.Flows;

namespace McpAspire.AuthServer.Tests.ExternalSignIn;

/// <summary>
/// Sign-in at a real upstream OpenID provider (oidc-provider, in the test's AppHost), over HTTP as a browser without
/// JavaScript does it. Each test makes its own upstream people, so none depends on another's sign-ins.
/// </summary>
public sealed partial class FederatedSignInTests(AuthServerFixture app)
{
    private readonly OAuthFlows _oauth = new(app);

    [Fact]
    public async Task A_company_user_signs_in_upstream_and_the_token_carries_the_groups_the_provider_gave()
    {
        var person = await NewPersonAsync(new { preferred_username = Unique("dana"), name = "Dana", email = "dana@example.test", groups = new List<string> { "developers", "release-managers" } });

        var (tokens, introspection) = await SignInAndIntrospectAsync(person);

        Assert.True(introspection.GetProperty("active").GetBoolean());
        Assert.Equal(["developers", "release-managers"], AuthorizationCodeFlowTests.Groups(introspection).Order(StringComparer.Ordinal));
        Assert.Equal(person.PreferredUserName, introspection.GetProperty("username").GetString());
        // The local subject is generated here: neither the upstream subject nor anything derived from the e-mail.
        var subject = introspection.GetProperty("sub").GetString();
        Assert.NotEqual(person.UpstreamSubject, subject);
        Assert.DoesNotContain("example.test", subject, StringComparison.Ordinal);
        // What the MCP client holds is this server's opaque token; the upstream's never leaves the callback.
        Assert.DoesNotContain(".", tokens.GetProperty("access_token").GetString(), StringComparison.Ordinal);
        Assert.False(tokens.TryGetProperty("id_token", out _));
    }

    [Fact]
    public async Task A_second_sign_in_is_the_same_user_with_the_groups_the_provider_says_now()
    {
        var login = Unique("erin");
        var person = await NewPersonAsync(new { preferred_username = login, groups = new List<string> { "alpha", "beta" } }, login);
        var (_, first) = await SignInAndIntrospectAsync(person);

        // The provider now sends one group as a plain string, and a new display name: same person, same user.
        await app.PutUpstreamAccountAsync(login, person.Password, new { preferred_username = login + "-renamed", groups = "gamma" });
        var (_, second) = await SignInAndIntrospectAsync(person);

        Assert.Equal(first.GetProperty("sub").GetString(), second.GetProperty("sub").GetString());
        Assert.Equal(first.GetProperty("username").GetString(), second.GetProperty("username").GetString());
        Assert.Equal(["gamma"], AuthorizationCodeFlowTests.Groups(second));

        // No groups claim at all: the user has no groups any more (the provider is authoritative).
        await app.PutUpstreamAccountAsync(login, person.Password, new { preferred_username = login });
        var (_, third) = await SignInAndIntrospectAsync(person);
        Assert.Equal(first.GetProperty("sub").GetString(), third.GetProperty("sub").GetString());
        Assert.Empty(AuthorizationCodeFlowTests.Groups(third));
    }

    [Fact]
    public async Task People_are_told_apart_by_issuer_and_subject_never_by_name_or_email()
    {
        var name = Unique("sam");
        var first = await NewPersonAsync(new { preferred_username = name, email = "sam@example.test", groups = new List<string> { "one" } });
        var second = await NewPersonAsync(new { preferred_username = name, email = "sam@example.test", groups = new List<string> { "two" } });
        // An upstream "admin" is not the local administrator, nor in its group.
        var impostor = await NewPersonAsync(new { preferred_username = "admin", groups = new List<string> { "developers" } });

        var (_, a) = await SignInAndIntrospectAsync(first);
        var (_, b) = await SignInAndIntrospectAsync(second);
        var (_, c) = await SignInAndIntrospectAsync(impostor);

        Assert.NotEqual(a.GetProperty("sub").GetString(), b.GetProperty("sub").GetString());
        Assert.Equal(name, a.GetProperty("username").GetString());
        Assert.NotEqual(name, b.GetProperty("username").GetString());
        Assert.StartsWith(name + "-", b.GetProperty("username").GetString(), StringComparison.Ordinal);
        Assert.Equal(["two"], AuthorizationCodeFlowTests.Groups(b));
        Assert.NotEqual(DistributedApplicationFixture.AdminUserName, c.GetProperty("username").GetString());
        Assert.DoesNotContain("admins", AuthorizationCodeFlowTests.Groups(c));
    }

    [Fact]
    public async Task A_disabled_user_loses_their_tokens_is_refused_at_the_callback_and_gets_no_session()
    {
        var person = await NewPersonAsync(new { preferred_username = Unique("fay"), groups = new List<string> { "developers" } });
        var (tokens, first) = await SignInAndIntrospectAsync(person);
        var userName = first.GetProperty("username").GetString()!;
        // The provider controls how they sign in: an administrator cannot give them a password here.
        using var reset = await app.AdministerUsersAsync("password", ("username", userName), ("password", DistributedApplicationTestFactory.RandomSecret()));
        Assert.Equal(HttpStatusCode.BadRequest, reset.StatusCode);
        Assert.Contains("signs in at an identity provider", await reset.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var disabled = await app.AdministerUsersAsync("disable", ("username", userName));
        Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
        Assert.False((await _oauth.IntrospectAsync(tokens.GetProperty("access_token").GetString()!)).Body.GetProperty("active").GetBoolean());

        var clientId = await _oauth.RegisterPublicClientAsync("Disabled user's client");
        using var browser = new FederatedBrowser(app);
        var authorize = OAuthFlows.AuthorizeUrl(clientId, Pkce.Create(), "disabled");
        var loginPage = await browser.FollowAsync(new Uri(browser.Http.BaseAddress!, authorize), _ => false);
        var callback = await browser.SignInUpstreamAsync(await browser.ChooseProviderAsync(loginPage.Html, AuthServerFixture.Provider), person.Login, person.Password);

        using var refused = await browser.Http.GetAsync(callback);
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.StartsWith("/account/login?error=account_disabled", refused.Headers.Location!.OriginalString, StringComparison.Ordinal);
        AssertNoSessionCookie(refused);
        var shown = await browser.Http.GetStringAsync(refused.Headers.Location);
        Assert.Contains("Your account is disabled.", shown, StringComparison.Ordinal);

        // Still not signed in: the authorization request goes back to the sign-in page.
        using var again = await browser.Http.GetAsync(authorize);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Equal("/account/login", new Uri(browser.Http.BaseAddress!, again.Headers.Location!).AbsolutePath);
    }

    [Fact]
    public async Task A_tampered_or_replayed_callback_is_refused()
    {
        var person = await NewPersonAsync(new { preferred_username = Unique("gus") });
        using var browser = new FederatedBrowser(app);
        var loginPage = await browser.FollowAsync(new Uri(browser.Http.BaseAddress!, "/account/login?returnUrl=%2F"), _ => false);
        var upstreamRequest = await browser.ChooseProviderAsync(loginPage.Html, AuthServerFixture.Provider);
        var upstream = QueryHelpers.ParseQuery(upstreamRequest.Query);
        // The provider offers pushed authorization requests (RFC 9126), so OpenIddict's client sent the request (PKCE
        // challenge, state, nonce, its callback for this provider) over the back channel, authenticated with its
        // secret: the browser carries only a reference. The provider requires PKCE of every request, so each
        // successful sign-in in these tests is also proof that the challenge was sent.
        Assert.StartsWith("urn:ietf:params:oauth:request_uri:", upstream["request_uri"].ToString(), StringComparison.Ordinal);
        Assert.Equal(AuthServerFixture.UpstreamClientId, upstream["client_id"].ToString());
        Assert.DoesNotContain(app.UpstreamClientSecret, upstreamRequest.AbsoluteUri, StringComparison.Ordinal);

        var callback = await browser.SignInUpstreamAsync(upstreamRequest, person.Login, person.Password);

        // The state changed by one character.
        var state = QueryHelpers.ParseQuery(callback.Query)["state"].ToString();
        using (var refused = await browser.Http.GetAsync(Replace(callback, "state", state[..^1] + (state[^1] == 'A' ? 'B' : 'A'))))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }

        // The genuine one works once...
        using (var accepted = await browser.Http.GetAsync(callback))
        {
            Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
            Assert.Equal("/", accepted.Headers.Location!.OriginalString);
        }

        // ...and only once: its state token is redeemed.
        using (var replayed = await browser.Http.GetAsync(callback))
        {
            Assert.Equal(HttpStatusCode.BadRequest, replayed.StatusCode);
        }
    }

    [Fact]
    public async Task A_callback_presented_by_another_browser_is_refused_and_burnt()
    {
        var person = await NewPersonAsync(new { preferred_username = Unique("ida") });
        using var browser = new FederatedBrowser(app);
        var callback = await UpstreamCallbackAsync(browser, person);

        // Another browser (no correlation cookie) presenting this browser's callback, as an attacker who caught it would.
        using (var stranger = app.CreateHttpClient(DistributedApplicationFixture.AuthServer, keepCookies: true))
        using (var refused = await stranger.GetAsync(callback))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            AssertNoSessionCookie(refused);
        }

        // OpenIddict redeems a state at its first presentation, whatever follows: a leaked callback is spent.
        using var late = await browser.Http.GetAsync(callback);
        Assert.Equal(HttpStatusCode.BadRequest, late.StatusCode);
    }

    [Fact]
    public async Task A_callback_delivered_to_another_providers_path_is_refused()
    {
        var person = await NewPersonAsync(new { preferred_username = Unique("kai") });
        using var browser = new FederatedBrowser(app);
        var callback = await UpstreamCallbackAsync(browser, person);

        // The right response at the GitHub callback: the mix-up RFC 9207 and per-provider callbacks exist against.
        using var refused = await browser.Http.GetAsync(new Uri(browser.Http.BaseAddress!, $"/account/external/{AuthServerFixture.GitHub}/callback{callback.Query}"));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        AssertNoSessionCookie(refused);
    }

    [Theory]
    [InlineData("https://evil.example/steal")]
    [InlineData("//evil.example/steal")]
    [InlineData("/\\evil.example/steal")]
    public async Task The_return_url_survives_the_round_trip_only_when_it_is_local(string returnUrl)
    {
        var person = await NewPersonAsync(new { preferred_username = Unique("hal") });
        using var browser = new FederatedBrowser(app);
        var loginPage = await browser.FollowAsync(new Uri(browser.Http.BaseAddress!, "/account/login"), _ => false);

        var callback = await browser.SignInUpstreamAsync(await browser.ChooseProviderAsync(loginPage.Html, AuthServerFixture.Provider, returnUrl), person.Login, person.Password);
        using var landed = await browser.Http.GetAsync(callback);

        Assert.Equal(HttpStatusCode.Redirect, landed.StatusCode);
        Assert.Equal("/", landed.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task The_sign_in_page_offers_every_provider_beside_the_password_form()
    {
        using var browser = new FederatedBrowser(app);
        var page = await browser.FollowAsync(new Uri(browser.Http.BaseAddress!, "/account/login?returnUrl=%2Fauthorize%3Fx%3D1"), _ => false);

        Assert.Contains($"Sign in with {AuthServerFixture.ProviderDisplayName}", page.Html, StringComparison.Ordinal);
        Assert.Equal("/authorize?x=1", HtmlForm.FormFields(page.Html, $"external-{AuthServerFixture.Provider}")["returnUrl"]);
        Assert.Contains("id=\"external-github\"", page.Html, StringComparison.Ordinal);
        Assert.Contains("id=\"login-form\"", page.Html, StringComparison.Ordinal);

        // GitHub through OpenIddict's web provider: its authorization endpoint, this server's GitHub callback, a state,
        // and never the client secret. (GitHub itself is not reachable from here.)
        var github = await browser.ChooseProviderAsync(page.Html, AuthServerFixture.GitHub);
        Assert.Equal("https://github.com/login/oauth/authorize", github.GetLeftPart(UriPartial.Path));
        var query = QueryHelpers.ParseQuery(github.Query);
        Assert.Equal("github-client-id", query["client_id"].ToString());
        Assert.EndsWith("/account/external/github/callback", query["redirect_uri"].ToString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(query["state"].ToString()));
        Assert.False(query.ContainsKey("client_secret"));

        // An unknown provider is not a challenge.
        var fields = HtmlForm.FormFields(page.Html, $"external-{AuthServerFixture.Provider}");
        fields["provider"] = "nope";
        using var unknown = await browser.Http.PostAsync("/account/login?handler=external", new FormUrlEncodedContent(fields));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        // Without the antiforgery token there is no challenge either.
        using var forged = await browser.Http.PostAsync("/account/login?handler=external",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["provider"] = AuthServerFixture.Provider }));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
    }

    [Fact]
    public async Task Neither_the_client_secret_nor_any_upstream_token_reaches_the_auth_servers_logs()
    {
        var person = await NewPersonAsync(new { preferred_username = Unique("lee"), groups = new List<string> { "developers" } });
        await using var log = new LogWatch(app, DistributedApplicationFixture.AuthServer);

        var (tokens, _) = await SignInAndIntrospectAsync(person);
        // This person's own sign-in line (EventId 4101) shows the log has caught up with their sign-in (other tests'
        // sign-ins on the shared app write the same line for their people).
        await log.WaitForLineAsync(line => line.Contains($"User {person.PreferredUserName} signed in through {AuthServerFixture.Provider}", StringComparison.Ordinal), LogTimeout);

        var lines = log.Lines;
        // OpenIddict's client logged the exchanges themselves (Information, turned on by the fixture): those were read too.
        Assert.Contains(lines, line => line.Contains("OpenIddict.Client", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains(app.UpstreamClientSecret, StringComparison.Ordinal));
        // Identity tokens and the provider's signed responses are JWTs: none is ever written out. A JWT, not any "eyJ": the
        // shared app's log holds every test's form posts, and a random antiforgery token contains "eyJ" now and then.
        Assert.DoesNotContain(lines, line => CompactJwt().IsMatch(line));
        Assert.DoesNotContain(lines, line => line.Contains(tokens.GetProperty("access_token").GetString()!, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("id_token: eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJsZWUifQ.c2ln", true)]
    [InlineData("\"state\": \"eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ..aXY.Y2lwaGVy.dGFn\"", true)]
    [InlineData("__RequestVerificationToken: CfDJ8NzPeyJqQ4b2_x-Lm9Zk1eyJa", false)]
    [InlineData("the word eyJ alone", false)]
    public void The_log_check_finds_JWTs_and_only_JWTs(string line, bool isJwt)
        => Assert.Equal(isJwt, CompactJwt().IsMatch(line));

    // ---- helpers ----

    /// <summary>A compact JWS or JWE: a base64url JSON header ("eyJ" is "{\"") starting a token, then dot-separated parts.</summary>
    [GeneratedRegex(@"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.")]
    private static partial Regex CompactJwt();

    private static readonly TimeSpan LogTimeout = TimeSpan.FromSeconds(60);

    public sealed record Person(string Login, string Password, string PreferredUserName, string UpstreamSubject);

    private async Task<Person> NewPersonAsync(object claims, string? login = null)
    {
        login ??= Unique("person");
        var password = DistributedApplicationTestFactory.RandomSecret();
        var subject = await app.PutUpstreamAccountAsync(login, password, claims);
        var preferred = JsonSerializer.SerializeToElement(claims).TryGetProperty("preferred_username", out var name) ? name.GetString()! : login;
        return new Person(login, password, preferred, subject);
    }

    /// <summary>A new client, the whole authorization through the upstream provider, the code redeemed, the token introspected.</summary>
    private async Task<(JsonElement Tokens, JsonElement Introspection)> SignInAndIntrospectAsync(Person person)
    {
        var clientId = await _oauth.RegisterPublicClientAsync("Federated client");
        var pkce = Pkce.Create();
        using var browser = new FederatedBrowser(app);
        var redirect = await browser.AuthorizeAsync(OAuthFlows.AuthorizeUrl(clientId, pkce, "fed-state"), person.Login, person.Password);
        var query = QueryHelpers.ParseQuery(redirect.Query);
        Assert.Equal("fed-state", query["state"].ToString());

        var (response, tokens) = await _oauth.RedeemCodeAsync(clientId, query["code"].ToString(), pkce.Verifier);
        Assert.True(response.IsSuccessStatusCode, tokens.ToString());
        var (_, introspection) = await _oauth.IntrospectAsync(tokens.GetProperty("access_token").GetString()!);
        return (tokens, introspection);
    }

    /// <summary>Starts at the sign-in page, signs in upstream, and returns the callback URL (not yet presented).</summary>
    private static async Task<Uri> UpstreamCallbackAsync(FederatedBrowser browser, Person person)
    {
        var loginPage = await browser.FollowAsync(new Uri(browser.Http.BaseAddress!, "/account/login?returnUrl=%2F"), _ => false);
        return await browser.SignInUpstreamAsync(await browser.ChooseProviderAsync(loginPage.Html, AuthServerFixture.Provider), person.Login, person.Password);
    }

    private static void AssertNoSessionCookie(HttpResponseMessage response)
        => Assert.DoesNotContain(response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [],
            cookie => cookie.StartsWith("mcpaspire.session=", StringComparison.Ordinal));

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    private static Uri Replace(Uri uri, string parameter, string value)
    {
        var query = QueryHelpers.ParseQuery(uri.Query).ToDictionary(pair => pair.Key, pair => (string?)pair.Value.ToString());
        query[parameter] = value;
        return new Uri(QueryHelpers.AddQueryString(uri.GetLeftPart(UriPartial.Path), query));
    }
}
