namespace McpAspire.AuthServer.Tests.ExternalSignIn;

/// <summary>The company sign-in in a real headless Chromium without JavaScript, on a phone-sized screen.</summary>
public sealed class FederatedSignInBrowserTests(AuthServerFixture app, HeadlessChromium chromium) : PhoneBrowserTests(chromium)
{
    [ChromiumFact]
    public async Task A_person_signs_in_with_the_company_account_and_allows_access()
    {
        var login = $"jo-{Guid.NewGuid().ToString("N")[..8]}";
        var password = DistributedApplicationTestFactory.RandomSecret();
        await app.PutUpstreamAccountAsync(login, password, new { preferred_username = login, groups = new List<string> { "developers" } });
        var clientId = await new OAuthFlows(app).RegisterPublicClientAsync("Company phone client");
        var page = await NewPhonePageAsync();
        var redirected = await CaptureCallbackAsync(page);

        await page.GotoAsync(new Uri(app.AuthServerUrl, OAuthFlows.AuthorizeUrl(clientId, Pkce.Create(), "company-state")).AbsoluteUri);
        Assert.Equal($"Sign in with {AuthServerFixture.ProviderDisplayName}", await page.Locator($"#external-{AuthServerFixture.Provider}-submit").InnerTextAsync());
        await AssertFitsTheScreenAsync(page);
        await page.ClickAsync($"#external-{AuthServerFixture.Provider}-submit");

        // The provider's own page, at its own origin.
        await page.WaitForSelectorAsync("#upstream-login");
        Assert.StartsWith(app.UpstreamUrl.GetLeftPart(UriPartial.Authority), page.Url, StringComparison.Ordinal);
        await page.FillAsync("#login", login);
        await page.FillAsync("#password", password);
        await page.ClickAsync("#upstream-submit");

        // Back here, signed in: the consent page names the client.
        await page.WaitForSelectorAsync("#consent-form");
        Assert.Equal("Company phone client", await page.Locator("#client-name").InnerTextAsync());
        await page.ClickAsync("#consent-allow");

        var callback = await redirected.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var query = QueryHelpers.ParseQuery(callback.Query);
        Assert.Equal("company-state", query["state"].ToString());
        Assert.False(string.IsNullOrEmpty(query["code"].ToString()));
    }
}
