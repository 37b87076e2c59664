namespace McpAspire.AuthServer.Tests.Security;

/// <summary>What a remembered consent binds, and the end of a browser session.</summary>
public sealed class ConsentAndSessionTests(AuthServerFixture fixture)
{
    private static readonly string[] TwoCallbacks = ["http://127.0.0.1/callback", "http://127.0.0.1/elsewhere"];
    private static readonly string[] CodeAndRefresh = ["authorization_code", "refresh_token"];

    private readonly OAuthFlows _oauth = new(fixture);

    [Fact]
    public async Task A_remembered_consent_does_not_cover_another_redirect_uri_of_the_same_client()
    {
        using var http = fixture.CreateClient();
        using var registered = await http.PostAsJsonAsync("/register", new Dictionary<string, object>
        {
            ["client_name"] = "Two callbacks",
            ["redirect_uris"] = TwoCallbacks,
            ["grant_types"] = CodeAndRefresh,
            ["token_endpoint_auth_method"] = "none",
        });
        var clientId = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("client_id").GetString()!;
        using var browser = fixture.CreateBrowserLikeClient();
        await OAuthFlows.SignInAndConsentAsync(browser, OAuthFlows.AuthorizeUrl(clientId, Pkce.Create(), "first"),
            AuthServerFixture.AdminUserName, fixture.AdminPassword);

        // Another port of the same loopback callback is the same native client: remembered.
        using var samePlace = await browser.GetAsync(OAuthFlows.AuthorizeUrl(clientId, Pkce.Create(), "second", redirectUri: "http://127.0.0.1:40111/callback"));
        // Another callback path is not what the user allowed: asked again, not redirected.
        using var elsewhere = await browser.GetAsync(OAuthFlows.AuthorizeUrl(clientId, Pkce.Create(), "third", redirectUri: "http://127.0.0.1:40111/elsewhere"));
        var page = await elsewhere.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Redirect, samePlace.StatusCode);
        Assert.Equal(HttpStatusCode.OK, elsewhere.StatusCode);
        Assert.Contains("consent-form", page, StringComparison.Ordinal);
        Assert.Contains("consent-binding", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signing_out_ends_the_browser_session()
    {
        using var browser = fixture.CreateBrowserLikeClient();
        await _oauth.SignInAsAdministratorAsync(browser, OAuthFlows.MachineClientsPage);
        var logoutPage = await browser.GetStringAsync("/account/logout");

        using var signedOut = await browser.PostAsync("/account/logout", OAuthFlows.Form(
            ("__RequestVerificationToken", HtmlForm.AntiforgeryToken(logoutPage))));
        using var afterwards = await browser.GetAsync(OAuthFlows.MachineClientsPage);

        Assert.Equal(HttpStatusCode.OK, signedOut.StatusCode);
        Assert.Contains("logout-done", await signedOut.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, afterwards.StatusCode);
    }

    [Fact]
    public async Task Signing_out_needs_the_form_so_no_other_site_can_do_it()
    {
        using var browser = fixture.CreateBrowserLikeClient();
        await _oauth.SignInAsAdministratorAsync(browser, OAuthFlows.MachineClientsPage);

        using var forged = await browser.PostAsync("/account/logout", OAuthFlows.Form(("x", "y")));
        using var afterwards = await browser.GetAsync(OAuthFlows.MachineClientsPage);

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.OK, afterwards.StatusCode);
    }
}
