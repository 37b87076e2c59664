using McpAspire.AuthServer.Tests.Flows;

namespace McpAspire.AuthServer.Tests.Users;

/// <summary>
/// Local accounts as an administrator manages them on /admin/users, against the whole AppHost: groups reach the
/// tokens, and disabling a user or resetting their password takes every kind of access away at once.
/// </summary>
public sealed class UserAdministrationTests(AuthServerFixture fixture)
{
    private readonly OAuthFlows _oauth = new(fixture);

    [Fact]
    public async Task A_created_user_signs_in_and_their_groups_reach_introspection()
    {
        var user = await fixture.CreateUserAsync("dev", "team-b", "team-a");

        var (_, tokens) = await _oauth.ObtainUserTokensAsync("User groups test", user: user);

        var introspection = await IntrospectAccessAsync(tokens);
        Assert.True(introspection.GetProperty("active").GetBoolean());
        Assert.Equal(user.UserName, introspection.GetProperty("username").GetString());
        Assert.Equal(["team-a", "team-b"], AuthorizationCodeFlowTests.Groups(introspection).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task New_groups_reach_the_next_token_and_not_the_current_one()
    {
        var user = await fixture.CreateUserAsync("mover", "team-a");
        var (clientId, tokens) = await _oauth.ObtainUserTokensAsync("Group change test", user: user);

        using var changed = await fixture.AdministerUsersAsync("groups", ("username", user.UserName), ("groups", "team-c, team-d"));
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var (_, refreshed) = await _oauth.RefreshAsync(clientId, tokens.GetProperty("refresh_token").GetString()!);

        Assert.Equal(["team-a"], AuthorizationCodeFlowTests.Groups(await IntrospectAccessAsync(tokens)));
        Assert.Equal(["team-c", "team-d"], AuthorizationCodeFlowTests.Groups(await IntrospectAccessAsync(refreshed)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Disabling_a_user_revokes_their_tokens_ends_their_session_and_refuses_their_password()
    {
        var user = await fixture.CreateUserAsync("leaver");
        var clientId = await _oauth.RegisterPublicClientAsync("Disable test");
        using var browser = fixture.CreateBrowserLikeClient();
        var tokens = await SignInAndRedeemAsync(browser, clientId, user);
        await AssertSessionApprovesWithoutAskingAsync(browser, clientId);

        using var disabled = await fixture.AdministerUsersAsync("disable", ("username", user.UserName));

        Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
        Assert.False((await IntrospectAccessAsync(tokens)).GetProperty("active").GetBoolean());
        var (refresh, error) = await _oauth.RefreshAsync(clientId, tokens.GetProperty("refresh_token").GetString()!);
        Assert.Equal(HttpStatusCode.BadRequest, refresh.StatusCode);
        Assert.Equal("invalid_grant", error.GetProperty("error").GetString());
        await AssertSessionEndedAsync(browser, clientId);
        await AssertPasswordRefusedAsync(user.UserName, user.Password);

        using var enabled = await fixture.AdministerUsersAsync("enable", ("username", user.UserName));
        Assert.Equal(HttpStatusCode.OK, enabled.StatusCode);
        using var again = fixture.CreateBrowserLikeClient();
        var fresh = await SignInAndRedeemAsync(again, clientId, user);
        Assert.True((await IntrospectAccessAsync(fresh)).GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task Resetting_a_password_ends_the_sessions_and_grants_made_with_the_old_one()
    {
        var user = await fixture.CreateUserAsync("compromised");
        var clientId = await _oauth.RegisterPublicClientAsync("Password reset test");
        using var browser = fixture.CreateBrowserLikeClient();
        var tokens = await SignInAndRedeemAsync(browser, clientId, user);
        var newPassword = DistributedApplicationTestFactory.RandomSecret();

        using var reset = await fixture.AdministerUsersAsync("password", ("username", user.UserName), ("password", newPassword));

        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        Assert.DoesNotContain(newPassword, await reset.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False((await IntrospectAccessAsync(tokens)).GetProperty("active").GetBoolean());
        await AssertSessionEndedAsync(browser, clientId);
        await AssertPasswordRefusedAsync(user.UserName, user.Password);
        using var again = fixture.CreateBrowserLikeClient();
        Assert.True((await IntrospectAccessAsync(await SignInAndRedeemAsync(again, clientId, user with { Password = newPassword })))
            .GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task Only_members_of_the_administrators_group_see_the_page_and_leaving_the_group_takes_it_away_at_once()
    {
        var colleague = await fixture.CreateUserAsync("second-admin", "admins");
        var developer = await fixture.CreateUserAsync("developer", "team-a");
        using var adminBrowser = fixture.CreateBrowserLikeClient();
        using var developerBrowser = fixture.CreateBrowserLikeClient();

        Assert.Contains("id=\"users\"", await LocalUsers.SignInAsync(adminBrowser, LocalUsers.Page, colleague.UserName, colleague.Password), StringComparison.Ordinal);
        await AssertRefusedAsync(developerBrowser, developer);

        using var demoted = await fixture.AdministerUsersAsync("groups", ("username", colleague.UserName), ("groups", "team-a"));
        Assert.Equal(HttpStatusCode.OK, demoted.StatusCode);
        using var next = await adminBrowser.GetAsync(LocalUsers.Page);
        Assert.Equal(HttpStatusCode.Forbidden, next.StatusCode);
    }

    [Theory]
    [InlineData("create", "username=someone&password=short&groups=")]
    [InlineData("create", "username=someone-else&password=a-long-enough-password&groups=bad%01group")]
    [InlineData("create", "username=%20%20&password=a-long-enough-password&groups=")]
    [InlineData("password", "username=admin&password=short")]
    public async Task Unacceptable_input_is_refused_with_400_and_changes_nothing(string handler, string form)
    {
        var fields = form.Split('&').Select(pair => pair.Split('=')).Select(pair => (pair[0], Uri.UnescapeDataString(pair[1]))).ToArray();

        using var refused = await fixture.AdministerUsersAsync(handler, fields);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("id=\"admin-error\"", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // The administrator's password was not replaced by the refused one.
        using var browser = fixture.CreateBrowserLikeClient();
        await LocalUsers.SignInAsync(browser, LocalUsers.Page, AuthServerFixture.AdminUserName, fixture.AdminPassword);
    }

    [Fact]
    public async Task A_taken_name_is_a_conflict_and_an_unknown_user_is_not_found()
    {
        var user = await fixture.CreateUserAsync("taken");

        using var duplicate = await fixture.AdministerUsersAsync("create",
            ("username", user.UserName.ToUpperInvariant()), ("password", DistributedApplicationTestFactory.RandomSecret()), ("groups", "admins"));
        using var unknown = await fixture.AdministerUsersAsync("disable", ("username", $"nobody-{Guid.NewGuid():N}"));

        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        // The conflicting create did not put the existing user into the administrators' group.
        var (_, tokens) = await _oauth.ObtainUserTokensAsync("Conflict test", user: user);
        Assert.Empty(AuthorizationCodeFlowTests.Groups(await IntrospectAccessAsync(tokens)));
    }

    [Fact]
    public async Task A_form_posted_without_the_antiforgery_token_is_refused()
    {
        using var browser = fixture.CreateBrowserLikeClient();
        await fixture.SignInAsAdministratorAsync(browser, LocalUsers.Page);
        var name = $"forged-{Guid.NewGuid():N}";

        using var forged = await browser.PostAsync(LocalUsers.Page + "?handler=create", OAuthFlows.Form(
            ("username", name), ("password", DistributedApplicationTestFactory.RandomSecret()), ("groups", "admins")));

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.DoesNotContain(name, await browser.GetStringAsync(LocalUsers.Page), StringComparison.Ordinal);
    }

    private async Task<JsonElement> IntrospectAccessAsync(JsonElement tokens)
        => (await _oauth.IntrospectAsync(tokens.GetProperty("access_token").GetString()!)).Body;

    private async Task<JsonElement> SignInAndRedeemAsync(HttpClient browser, string clientId, TestUser user)
    {
        var pkce = Pkce.Create();
        var callback = await OAuthFlows.SignInAndConsentAsync(browser, OAuthFlows.AuthorizeUrl(clientId, pkce, "s"), user.UserName, user.Password);
        var code = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(callback.Query)["code"].ToString();
        var (response, tokens) = await _oauth.RedeemCodeAsync(clientId, code, pkce.Verifier);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return tokens;
    }

    private static async Task AssertSessionApprovesWithoutAskingAsync(HttpClient browser, string clientId)
    {
        using var again = await browser.GetAsync(OAuthFlows.AuthorizeUrl(clientId, Pkce.Create(), "again"));
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.StartsWith("http://127.0.0.1:53682/callback?", again.Headers.Location!.AbsoluteUri, StringComparison.Ordinal);
    }

    /// <summary>The session cookie no longer counts: the same browser is sent to the sign-in form.</summary>
    private static async Task AssertSessionEndedAsync(HttpClient browser, string clientId)
    {
        using var again = await browser.GetAsync(OAuthFlows.AuthorizeUrl(clientId, Pkce.Create(), "after"));
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        var location = again.Headers.Location!;
        Assert.StartsWith("/account/login", location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString, StringComparison.Ordinal);
    }

    private async Task AssertPasswordRefusedAsync(string userName, string password)
    {
        using var browser = fixture.CreateBrowserLikeClient();
        var loginPage = await browser.GetStringAsync("/account/login");
        using var attempt = await browser.PostAsync("/account/login", OAuthFlows.Form(
            ("username", userName), ("password", password), ("__RequestVerificationToken", HtmlForm.AntiforgeryToken(loginPage))));
        Assert.Equal(HttpStatusCode.BadRequest, attempt.StatusCode);
        Assert.Contains("The user name or password is not correct.", await attempt.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task AssertRefusedAsync(HttpClient browser, TestUser user)
    {
        using var first = await browser.GetAsync(LocalUsers.Page);
        using var signedIn = await LocalUsers.SignInAtAsync(browser, first.Headers.Location!, user.UserName, user.Password);
        using var page = await browser.GetAsync(signedIn.Headers.Location);
        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
    }
}
