extern alias apphost;

using McpAspire.AccessPolicy.JenkinsIdentity;
using apphost::McpAspire.AppHost.DynamoDb;

namespace McpAspire.AuthServer.Tests.JenkinsIdentity;

/// <summary>
/// The page <c>/account/jenkins</c> against the whole AppHost and its JenkinsMock (whose people the fixture configures):
/// a link is stored only once Jenkins authenticated exactly that user id, encrypted; a user sees and unlinks only their
/// own; the token never reaches the page again, DynamoDB in clear, or the auth server's log.
/// </summary>
public sealed class JenkinsIdentityPageTests(AuthServerFixture app)
{
    private string DeveloperToken => app.JenkinsTokenOf(DistributedApplicationFixture.JenkinsDeveloper);

    [Fact]
    public async Task Good_credentials_link_the_page_shows_the_jenkins_user_never_the_token_and_dynamodb_holds_it_encrypted()
    {
        var user = await app.CreateUserAsync("linker");
        using var page = await JenkinsLinkPage.SignInAsync(app, user);
        var before = page.LinkedUser;

        var status = await page.LinkAsync(DistributedApplicationFixture.JenkinsDeveloper, DeveloperToken);
        var answered = page.Html;
        await page.ReloadAsync();
        var item = await StoredItemAsync(user.Subject);

        Assert.Null(before);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.StartsWith("Linked. Your tool calls now run in Jenkins as 'jenkins-dev'", HtmlForm.ElementText(answered, "jenkins-message"), StringComparison.Ordinal);
        Assert.Equal(DistributedApplicationFixture.JenkinsDeveloper, page.LinkedUser);
        Assert.DoesNotContain(DeveloperToken, answered + page.Html, StringComparison.OrdinalIgnoreCase);
        Assert.NotNull(item);
        Assert.Equal(DistributedApplicationFixture.JenkinsDeveloper, item[JenkinsIdentityTable.JenkinsUser].S);
        Assert.DoesNotContain(item.Values, value => (value.S ?? "").Contains(DeveloperToken, StringComparison.OrdinalIgnoreCase));
        Assert.True(item[JenkinsIdentityTable.ProtectedApiToken].S.Length > DeveloperToken.Length);
    }

    [Fact]
    public async Task A_token_jenkins_refuses_a_name_jenkins_reports_otherwise_and_a_password_are_refused_saying_why_and_nothing_is_linked()
    {
        var user = await app.CreateUserAsync("refused");
        using var page = await JenkinsLinkPage.SignInAsync(app, user);

        var wrongToken = await page.LinkAsync(DistributedApplicationFixture.JenkinsDeveloper, "0123456789abcdef0123456789abcdef");
        var wrongTokenError = HtmlForm.ElementText(page.Html, "jenkins-error");
        var otherSpelling = await page.LinkAsync("JENKINS-DEV", DeveloperToken);
        var otherSpellingError = HtmlForm.ElementText(page.Html, "jenkins-error");
        var password = await page.LinkAsync(DistributedApplicationFixture.JenkinsDeveloper, "correct horse battery staple");
        var passwordError = HtmlForm.ElementText(page.Html, "jenkins-error");
        var empty = await page.LinkAsync("", "");

        Assert.Equal(HttpStatusCode.BadRequest, wrongToken);
        Assert.Contains("Jenkins refused the user id 'jenkins-dev' with this API token (HTTP 401)", wrongTokenError, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, otherSpelling);
        Assert.Contains("Jenkins knows this API token as user 'jenkins-dev', not 'JENKINS-DEV'", otherSpellingError, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, password);
        Assert.Contains("not a Jenkins API token", passwordError, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, empty);
        Assert.Null(page.LinkedUser);
        Assert.Null(await StoredItemAsync(user.Subject));
        Assert.DoesNotContain(DeveloperToken, page.Html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Another_user_neither_sees_nor_unlinks_yours_and_your_unlink_removes_it()
    {
        var (owner, other) = (await app.CreateUserAsync("owner"), await app.CreateUserAsync("other"));
        using var ownersPage = await JenkinsLinkPage.SignInAsync(app, owner);
        using var othersPage = await JenkinsLinkPage.SignInAsync(app, other);
        Assert.Equal(HttpStatusCode.OK, await ownersPage.LinkAsync(DistributedApplicationFixture.JenkinsDeveloper, DeveloperToken));

        await othersPage.ReloadAsync();
        var othersView = othersPage.LinkedUser;
        var othersUnlink = await othersPage.UnlinkAsync();
        var othersUnlinkMessage = HtmlForm.ElementText(othersPage.Html, "jenkins-message");
        await ownersPage.ReloadAsync();
        var stillLinked = ownersPage.LinkedUser;
        var ownersUnlink = await ownersPage.UnlinkAsync();

        Assert.Null(othersView);
        Assert.Equal(HttpStatusCode.OK, othersUnlink);
        Assert.Equal("No Jenkins identity was linked.", othersUnlinkMessage);
        Assert.Equal(DistributedApplicationFixture.JenkinsDeveloper, stillLinked);
        Assert.Equal(HttpStatusCode.OK, ownersUnlink);
        Assert.Null(ownersPage.LinkedUser);
        Assert.Null(await StoredItemAsync(owner.Subject));
    }

    [Fact]
    public async Task Signed_out_visitors_go_to_sign_in_posts_without_antiforgery_get_400_and_the_page_has_the_security_headers()
    {
        var user = await app.CreateUserAsync("forger");
        using var anonymous = app.CreateClient();
        using var page = await JenkinsLinkPage.SignInAsync(app, user);
        using var browser = app.CreateBrowserLikeClient();
        await LocalUsers.SignInAsync(browser, JenkinsLinkPage.Path, user.UserName, user.Password);

        using var signedOut = await anonymous.GetAsync(JenkinsLinkPage.Path);
        var forged = await page.PostAsync("link", new() { ["jenkins_user"] = DistributedApplicationFixture.JenkinsDeveloper, ["api_token"] = DeveloperToken }, antiforgery: false);
        using var shown = await browser.GetAsync(JenkinsLinkPage.Path);

        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.StartsWith("/account/login", signedOut.Headers.Location!.OriginalString.Replace(app.BaseAddress.GetLeftPart(UriPartial.Authority), "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, forged);
        Assert.Null(await StoredItemAsync(user.Subject));
        Assert.Equal("DENY", shown.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("frame-ancestors 'none'", shown.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.True(shown.Headers.CacheControl?.NoStore);
    }

    [Fact]
    public async Task Disabling_the_user_unlinks_their_jenkins_identity()
    {
        var user = await app.CreateUserAsync("leaver");
        using var page = await JenkinsLinkPage.SignInAsync(app, user);
        Assert.Equal(HttpStatusCode.OK, await page.LinkAsync(DistributedApplicationFixture.JenkinsDeveloper, DeveloperToken));

        using var disabled = await app.AdministerUsersAsync("disable", ("username", user.UserName));

        Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
        Assert.Null(await StoredItemAsync(user.Subject));
    }

    [Fact]
    public async Task Neither_a_linked_token_nor_a_refused_one_reaches_the_auth_servers_log()
    {
        var user = await app.CreateUserAsync("logged");
        var refusedToken = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        await using var log = new LogWatch(app, DistributedApplicationFixture.AuthServer);
        using var page = await JenkinsLinkPage.SignInAsync(app, user);

        Assert.Equal(HttpStatusCode.BadRequest, await page.LinkAsync(DistributedApplicationFixture.JenkinsDeveloper, refusedToken));
        Assert.Equal(HttpStatusCode.OK, await page.LinkAsync(DistributedApplicationFixture.JenkinsDeveloper, DeveloperToken));
        // The link's own line (EventId 3100) shows the log has caught up with both attempts.
        await log.WaitForLineAsync(line => line.Contains($"User {user.Subject} linked the Jenkins identity jenkins-dev", StringComparison.Ordinal), TimeSpan.FromSeconds(60));

        var lines = log.Lines;
        Assert.Contains(lines, line => line.Contains($"User {user.Subject} could not link the Jenkins identity jenkins-dev: Rejected", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains(DeveloperToken, StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(lines, line => line.Contains(refusedToken, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The user's item in the linked identities' table, read straight from DynamoDB Local (strongly consistent).</summary>
    private async Task<Dictionary<string, AttributeValue>?> StoredItemAsync(string subject)
    {
        using var dynamoDb = app.CreateDynamoDbClient();
        var response = await dynamoDb.GetItemAsync(new GetItemRequest
        {
            TableName = JenkinsIdentityTable.Name(DynamoDbLocalDefaults.DefaultTablePrefix),
            Key = new() { [JenkinsIdentityTable.Subject] = new AttributeValue { S = subject } },
            ConsistentRead = true,
        });
        return response.Item is { Count: > 0 } item ? item : null;
    }
}
