namespace McpAspire.AuthServer.Tests.Pages;

/// <summary>The sign-in and consent pages in a real headless Chromium, on a phone-sized screen, without JavaScript.</summary>
public sealed class LoginAndConsentBrowserTests(AuthServerFixture fixture, HeadlessChromium chromium) : PhoneBrowserTests(chromium)
{
    private readonly OAuthFlows _oauth = new(fixture);

    [ChromiumFact]
    public async Task A_person_signs_in_and_allows_access_on_a_phone_without_JavaScript()
    {
        var clientId = await _oauth.RegisterPublicClientAsync("Phone client");
        var page = await NewPhonePageAsync();
        var redirected = await CaptureCallbackAsync(page);

        await page.GotoAsync(new Uri(fixture.BaseAddress, OAuthFlows.AuthorizeUrl(clientId, Pkce.Create(), "browser-state")).AbsoluteUri);
        Assert.Equal("Sign in", await page.Locator("h1").InnerTextAsync());
        await AssertFitsTheScreenAsync(page);
        await SubmitPasswordFormAsync(page, AuthServerFixture.AdminUserName, fixture.AdminPassword);

        await page.WaitForSelectorAsync("#consent-form");
        Assert.Equal("Phone client", await page.Locator("#client-name").InnerTextAsync());
        Assert.Equal("127.0.0.1:53682", await page.Locator("#redirect-host").InnerTextAsync());
        var scopes = await page.Locator("#scopes li").AllInnerTextsAsync();
        Assert.Contains("Read your Jenkins jobs, builds and build logs", scopes);
        Assert.Contains("Start and stop Jenkins builds on your behalf", scopes);
        await AssertFitsTheScreenAsync(page);
        await page.ClickAsync("#consent-allow");

        var callback = await redirected.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var query = QueryHelpers.ParseQuery(callback.Query);
        Assert.Equal("browser-state", query["state"].ToString());
        Assert.False(string.IsNullOrEmpty(query["code"].ToString()));
    }

    [ChromiumFact]
    public async Task A_client_name_with_markup_is_shown_as_text()
    {
        const string hostileName = "<img src=x onerror=alert(1)><b>Evil</b>";
        var clientId = await _oauth.RegisterPublicClientAsync(hostileName);
        var page = await NewPhonePageAsync();

        await page.GotoAsync(new Uri(fixture.BaseAddress, OAuthFlows.AuthorizeUrl(clientId, Pkce.Create(), "s")).AbsoluteUri);
        await SubmitPasswordFormAsync(page, AuthServerFixture.AdminUserName, fixture.AdminPassword);
        await page.WaitForSelectorAsync("#consent-form");

        Assert.Equal(hostileName, await page.Locator("#client-name").InnerTextAsync());
        Assert.Equal(0, await page.Locator("#client-name img, #client-name b").CountAsync());
    }

    [ChromiumFact]
    public async Task A_wrong_password_shows_an_error_and_keeps_the_user_on_the_form()
    {
        var page = await NewPhonePageAsync();

        await page.GotoAsync(new Uri(fixture.BaseAddress, "/account/login").AbsoluteUri);
        await SubmitPasswordFormAsync(page, AuthServerFixture.AdminUserName, "not-the-password");

        await page.WaitForSelectorAsync("#login-error");
        Assert.Equal("The user name or password is not correct.", await page.Locator("#login-error").InnerTextAsync());
        Assert.Equal(AuthServerFixture.AdminUserName, await page.InputValueAsync("#username"));
        Assert.Equal("", await page.InputValueAsync("#password"));
    }
}
