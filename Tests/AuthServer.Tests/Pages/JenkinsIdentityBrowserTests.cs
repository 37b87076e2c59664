namespace McpAspire.AuthServer.Tests.Pages;

/// <summary>The page <c>/account/jenkins</c> in a real headless Chromium, on a phone-sized screen, without JavaScript.</summary>
public sealed class JenkinsIdentityBrowserTests(AuthServerFixture fixture, HeadlessChromium chromium) : PhoneBrowserTests(chromium)
{
    [ChromiumFact]
    public async Task A_person_finds_the_page_from_home_links_their_jenkins_user_sees_no_token_and_unlinks_it_on_a_phone_without_JavaScript()
    {
        var user = await fixture.CreateUserAsync("jenkins-phone");
        var token = fixture.JenkinsTokenOf(DistributedApplicationFixture.JenkinsDeveloper);
        var page = await NewPhonePageAsync();

        await page.GotoAsync(new Uri(fixture.BaseAddress, "/account/login").AbsoluteUri);
        await SubmitPasswordFormAsync(page, user.UserName, user.Password);
        await page.ClickAsync("#jenkins-link");
        Assert.True(await page.Locator("#jenkins-not-linked").IsVisibleAsync());
        await page.FillAsync("input[name=jenkins_user]", DistributedApplicationFixture.JenkinsDeveloper);
        await page.FillAsync("input[name=api_token]", token);
        await page.ClickAsync("#link");

        await page.WaitForSelectorAsync("#jenkins-message");
        Assert.Equal(DistributedApplicationFixture.JenkinsDeveloper, await page.Locator("#linked-jenkins-user").InnerTextAsync());
        Assert.Equal("", await page.Locator("input[name=api_token]").InputValueAsync());
        Assert.DoesNotContain(token, await page.ContentAsync(), StringComparison.OrdinalIgnoreCase);
        await AssertFitsTheScreenAsync(page);
        await page.ClickAsync("#unlink");

        await page.WaitForSelectorAsync("#jenkins-not-linked");
        Assert.Contains("Unlinked", await page.Locator("#jenkins-message").InnerTextAsync(), StringComparison.Ordinal);
    }
}
