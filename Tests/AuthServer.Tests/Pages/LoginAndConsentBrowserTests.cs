using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Playwright;

namespace McpAspire.AuthServer.Tests.Pages;

/// <summary>The sign-in and consent pages in a real headless Chromium, on a phone-sized screen, without JavaScript.</summary>
[Collection(DistributedApplicationFixture.Collection)]
public sealed class LoginAndConsentBrowserTests(AuthServerFixture fixture) : IAsyncLifetime
{
    private const string Callback = "http://127.0.0.1:53682/callback";
    private readonly OAuthFlows _oauth = new(fixture);
    private HeadlessChromium? _chromium;

    public async Task InitializeAsync() => _chromium = await HeadlessChromium.LaunchAsync();

    public async Task DisposeAsync()
    {
        if (_chromium is not null)
        {
            await _chromium.DisposeAsync();
        }
    }

    [ChromiumFact]
    public async Task A_person_signs_in_and_allows_access_on_a_phone_without_JavaScript()
    {
        var clientId = await _oauth.RegisterPublicClientAsync("Phone client");
        var page = await NewPhonePageAsync();
        var redirected = await CaptureCallbackAsync(page);

        await page.GotoAsync(new Uri(fixture.BaseAddress, OAuthFlows.AuthorizeUrl(clientId, Pkce.Create(), "browser-state")).AbsoluteUri);
        Assert.Equal("Sign in", await page.Locator("h1").InnerTextAsync());
        await AssertFitsTheScreenAsync(page);
        await page.FillAsync("#username", AuthServerFixture.AdminUserName);
        await page.FillAsync("#password", fixture.AdminPassword);
        await page.ClickAsync("#login-submit");

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
        await page.FillAsync("#username", AuthServerFixture.AdminUserName);
        await page.FillAsync("#password", fixture.AdminPassword);
        await page.ClickAsync("#login-submit");
        await page.WaitForSelectorAsync("#consent-form");

        Assert.Equal(hostileName, await page.Locator("#client-name").InnerTextAsync());
        Assert.Equal(0, await page.Locator("#client-name img, #client-name b").CountAsync());
    }

    [ChromiumFact]
    public async Task A_wrong_password_shows_an_error_and_keeps_the_user_on_the_form()
    {
        var page = await NewPhonePageAsync();

        await page.GotoAsync(new Uri(fixture.BaseAddress, "/account/login").AbsoluteUri);
        await page.FillAsync("#username", AuthServerFixture.AdminUserName);
        await page.FillAsync("#password", "not-the-password");
        await page.ClickAsync("#login-submit");

        await page.WaitForSelectorAsync("#login-error");
        Assert.Equal("The user name or password is not correct.", await page.Locator("#login-error").InnerTextAsync());
        Assert.Equal(AuthServerFixture.AdminUserName, await page.InputValueAsync("#username"));
        Assert.Equal("", await page.InputValueAsync("#password"));
    }

    private async Task<IPage> NewPhonePageAsync()
    {
        var context = await _chromium!.Browser.NewContextAsync(new()
        {
            JavaScriptEnabled = false,
            ViewportSize = new() { Width = 375, Height = 667 },
            IsMobile = true,
        });
        return await context.NewPageAsync();
    }

    // The client's loopback listener is not running in the test: the redirect is caught and answered here.
    private static async Task<TaskCompletionSource<Uri>> CaptureCallbackAsync(IPage page)
    {
        var redirected = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.RouteAsync(Callback + "**", async route =>
        {
            redirected.TrySetResult(new Uri(route.Request.Url));
            await route.FulfillAsync(new() { Status = 200, ContentType = "text/plain", Body = "signed in" });
        });
        return redirected;
    }

    private static async Task AssertFitsTheScreenAsync(IPage page)
    {
        // Measured by the browser's layout engine (evaluation works with page scripts disabled).
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.True(overflow <= 0, $"The page is {overflow}px wider than a phone screen.");
    }
}
