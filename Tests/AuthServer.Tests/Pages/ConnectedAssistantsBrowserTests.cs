using McpAspire.AuthServer.Tests.ConnectedAssistants;

namespace McpAspire.AuthServer.Tests.Pages;

/// <summary>The connected-assistants pages in a real headless Chromium, on a phone-sized screen, without JavaScript.</summary>
public sealed class ConnectedAssistantsBrowserTests(AuthServerFixture fixture, HeadlessChromium chromium) : PhoneBrowserTests(chromium)
{
    private readonly OAuthFlows _oauth = new(fixture);

    [ChromiumFact]
    public async Task A_person_finds_their_assistant_from_the_home_page_and_revokes_it_on_a_phone_without_JavaScript()
    {
        var user = await fixture.CreateUserAsync("phone");
        var (clientId, accessToken, _) = await AssistantPages.ConnectAsync(fixture, _oauth, user, "Phone assistant", "mcp:read mcp:write offline_access");
        var page = await NewPhonePageAsync();

        await page.GotoAsync(new Uri(fixture.BaseAddress, "/account/login").AbsoluteUri);
        await SubmitPasswordFormAsync(page, user.UserName, user.Password);
        await page.ClickAsync("#assistants-link");

        var entry = page.Locator($"li.assistant[data-client-id='{clientId}']");
        Assert.Equal("Phone assistant", await entry.Locator(".assistant-name").InnerTextAsync());
        Assert.Equal(clientId, await entry.Locator(".client-id").InnerTextAsync());
        var scopes = await entry.Locator(".scopes li").AllInnerTextsAsync();
        Assert.Contains("Read your Jenkins jobs, builds and build logs", scopes);
        Assert.Contains("Start and stop Jenkins builds on your behalf", scopes);
        Assert.EndsWith("UTC", await entry.Locator(".last-use").InnerTextAsync(), StringComparison.Ordinal);
        await AssertFitsTheScreenAsync(page);
        await entry.Locator("button.revoke").ClickAsync();

        await page.WaitForSelectorAsync("#assistants-message");
        Assert.Contains("Phone assistant no longer has access", await page.Locator("#assistants-message").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator($"li.assistant[data-client-id='{clientId}']").CountAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, await AssistantPages.CallMcpAsync(fixture, accessToken));
    }

    [ChromiumFact]
    public async Task The_administrator_revokes_a_users_assistant_and_reaches_the_machine_clients_page()
    {
        var user = await fixture.CreateUserAsync("admin-phone");
        var (clientId, accessToken, _) = await AssistantPages.ConnectAsync(fixture, _oauth, user, "Assistant an admin ends");
        var page = await NewPhonePageAsync();

        await page.GotoAsync(new Uri(fixture.BaseAddress, AssistantPages.AdminPage).AbsoluteUri);
        await SubmitPasswordFormAsync(page, AuthServerFixture.AdminUserName, fixture.AdminPassword);
        await page.WaitForSelectorAsync("h1");
        var entry = page.Locator($"li.grant[data-client-id='{clientId}']").First;
        for (var pages = 0; pages < 200 && await entry.CountAsync() == 0; pages++)
        {
            await page.ClickAsync("#next-page");
        }

        Assert.Equal(user.Subject, await entry.GetAttributeAsync("data-subject"));
        await AssertFitsTheScreenAsync(page);
        await entry.Locator("button.revoke").ClickAsync();
        await page.WaitForSelectorAsync("#admin-message");
        Assert.Equal(HttpStatusCode.Unauthorized, await AssistantPages.CallMcpAsync(fixture, accessToken));

        await page.ClickAsync("#machine-clients-link");
        Assert.Equal("Machine clients", await page.Locator("h1").InnerTextAsync());
    }
}
