namespace McpAspire.AuthServer.Tests.ConnectedAssistants;

/// <summary>
/// The connected-assistants pages against the whole AppHost: what a user sees of the clients they allowed, and that
/// revoking one there ends its access at the MCP server at once; who may revoke what.
/// </summary>
public sealed class ConnectedAssistantsTests(AuthServerFixture fixture)
{
    private readonly OAuthFlows _oauth = new(fixture);

    [Fact]
    public async Task A_user_sees_the_client_they_allowed_with_its_name_scopes_and_dates()
    {
        var user = await fixture.CreateUserAsync("lister");
        var someoneElse = await fixture.CreateUserAsync("other");
        var before = DateTimeOffset.UtcNow.AddMinutes(-1);
        var (clientId, _, refreshToken) = await AssistantPages.ConnectAsync(fixture, _oauth, user, "Listed assistant", "mcp:read offline_access");
        var (othersClientId, _, _) = await AssistantPages.ConnectAsync(fixture, _oauth, someoneElse, "Someone else's assistant");
        var (refreshed, _) = await _oauth.RefreshAsync(clientId, refreshToken);

        using var browser = fixture.CreateBrowserLikeClient();
        var page = await LocalUsers.SignInAsync(browser, AssistantPages.UserPage, user.UserName, user.Password);
        var entry = AssistantPages.Find(page, clientId);

        Assert.True(refreshed.IsSuccessStatusCode);
        Assert.NotNull(entry);
        Assert.Equal("Listed assistant", entry.Name);
        Assert.Equal(["mcp:read", "offline_access"], entry.Scopes);
        Assert.InRange(entry.AuthorizedAt!.Value, before, DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.InRange(entry.LastUsedAt!.Value, entry.AuthorizedAt.Value, DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Contains("last-use-note", page, StringComparison.Ordinal);
        Assert.Null(AssistantPages.Find(page, othersClientId));
    }

    [Fact]
    public async Task Revoking_on_the_page_makes_the_next_MCP_call_401_the_refresh_token_invalid_and_asks_consent_again()
    {
        var user = await fixture.CreateUserAsync("revoker");
        using var connecting = fixture.CreateBrowserLikeClient();
        var (clientId, accessToken, refreshToken) = await AssistantPages.ConnectAsync(_oauth, connecting, user, "Assistant to revoke");
        var beforeRevocation = await AssistantPages.CallMcpAsync(fixture, accessToken);

        using var browser = fixture.CreateBrowserLikeClient();
        var page = await LocalUsers.SignInAsync(browser, AssistantPages.UserPage, user.UserName, user.Password);
        using var revoked = await AssistantPages.RevokeAsync(browser, AssistantPages.UserPage, page, AssistantPages.Find(page, clientId)!.GrantId);
        var afterPage = await revoked.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, beforeRevocation);
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.Contains("assistants-message", afterPage, StringComparison.Ordinal);
        await AssertRevokedAsync(afterPage, clientId, accessToken, refreshToken);
        var (_, introspection) = await _oauth.IntrospectAsync(accessToken);
        Assert.False(introspection.GetProperty("active").GetBoolean());

        // The remembered consent went too: the same signed-in browser is asked again instead of sent straight back.
        using var again = await connecting.GetAsync(OAuthFlows.AuthorizeUrl(clientId, Pkce.Create(), "again", "mcp:read offline_access"));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("consent-form", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var reloaded = await browser.GetAsync(AssistantPages.UserPage);
        Assert.Null(AssistantPages.Find(await reloaded.Content.ReadAsStringAsync(), clientId));
    }

    [Fact]
    public async Task Another_users_grant_id_is_not_found_and_that_grant_stays_valid()
    {
        var owner = await fixture.CreateUserAsync("owner");
        var intruder = await fixture.CreateUserAsync("intruder");
        var (clientId, accessToken, _) = await AssistantPages.ConnectAsync(fixture, _oauth, owner, "Owner's assistant");
        using var ownerBrowser = fixture.CreateBrowserLikeClient();
        var ownersPage = await LocalUsers.SignInAsync(ownerBrowser, AssistantPages.UserPage, owner.UserName, owner.Password);
        var ownersGrant = AssistantPages.Find(ownersPage, clientId)!.GrantId;

        // The intruder has an assistant of their own, so a revoke form whose grant_id they can change.
        await AssistantPages.ConnectAsync(fixture, _oauth, intruder, "Intruder's assistant");
        using var intruderBrowser = fixture.CreateBrowserLikeClient();
        var intrudersPage = await LocalUsers.SignInAsync(intruderBrowser, AssistantPages.UserPage, intruder.UserName, intruder.Password);
        using var foreign = await AssistantPages.RevokeAsync(intruderBrowser, AssistantPages.UserPage, intrudersPage, ownersGrant);
        using var unknown = await AssistantPages.RevokeAsync(intruderBrowser, AssistantPages.UserPage, intrudersPage, Guid.NewGuid().ToString("N"));

        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        // The same answer for both: the page tells nobody which grant ids exist.
        Assert.Equal(
            HtmlForm.ElementText(await unknown.Content.ReadAsStringAsync(), "assistants-error"),
            HtmlForm.ElementText(await foreign.Content.ReadAsStringAsync(), "assistants-error"));
        var (_, introspection) = await _oauth.IntrospectAsync(accessToken);
        Assert.True(introspection.GetProperty("active").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, await AssistantPages.CallMcpAsync(fixture, accessToken));
    }

    [Fact]
    public async Task A_revocation_without_the_antiforgery_token_is_refused()
    {
        var user = await fixture.CreateUserAsync("forged");
        var (clientId, accessToken, _) = await AssistantPages.ConnectAsync(fixture, _oauth, user, "Assistant under forgery");
        using var browser = fixture.CreateBrowserLikeClient();
        var page = await LocalUsers.SignInAsync(browser, AssistantPages.UserPage, user.UserName, user.Password);

        using var forged = await AssistantPages.RevokeAsync(browser, AssistantPages.UserPage, page, AssistantPages.Find(page, clientId)!.GrantId, withAntiforgery: false);

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        var (_, introspection) = await _oauth.IntrospectAsync(accessToken);
        Assert.True(introspection.GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task A_user_who_is_not_an_administrator_is_forbidden_the_administration_pages()
    {
        var user = await fixture.CreateUserAsync("not-admin");
        var victim = await fixture.CreateUserAsync("victim");
        var (victimsClientId, victimsToken, _) = await AssistantPages.ConnectAsync(fixture, _oauth, victim, "Victim's assistant");
        var (ownClientId, _, _) = await AssistantPages.ConnectAsync(fixture, _oauth, user, "Own assistant");
        using var browser = fixture.CreateBrowserLikeClient();
        var ownPage = await LocalUsers.SignInAsync(browser, AssistantPages.UserPage, user.UserName, user.Password);
        using var victimsPage = fixture.CreateBrowserLikeClient();
        var victimsGrant = AssistantPages.Find(
            await LocalUsers.SignInAsync(victimsPage, AssistantPages.UserPage, victim.UserName, victim.Password), victimsClientId)!.GrantId;

        using var assistants = await browser.GetAsync(AssistantPages.AdminPage);
        // The administrators' revoke handler, with a valid antiforgery token of this user's own page.
        using var adminRevoke = await AssistantPages.RevokeAsync(browser, AssistantPages.AdminPage, ownPage, victimsGrant);
        using var machineClients = await browser.GetAsync(OAuthFlows.MachineClientsPage);
        using var home = await browser.GetAsync("/");
        var homePage = await home.Content.ReadAsStringAsync();

        Assert.NotNull(AssistantPages.Find(ownPage, ownClientId));
        Assert.Equal(HttpStatusCode.Forbidden, assistants.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, adminRevoke.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, machineClients.StatusCode);
        var (_, introspection) = await _oauth.IntrospectAsync(victimsToken);
        Assert.True(introspection.GetProperty("active").GetBoolean());
        Assert.Contains("assistants-link", homePage, StringComparison.Ordinal);
        Assert.DoesNotContain("admin-assistants-link", homePage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_administrator_revokes_another_users_assistant()
    {
        var user = await fixture.CreateUserAsync("managed");
        var (clientId, accessToken, refreshToken) = await AssistantPages.ConnectAsync(fixture, _oauth, user, "Assistant the admin revokes");

        using var admin = fixture.CreateBrowserLikeClient();
        var (page, offset, entry) = await FindOnAdminPagesAsync(admin, await _oauth.SignInAsAdministratorAsync(admin, AssistantPages.AdminPage), clientId);
        using var revoked = await admin.PostAsync(AssistantPages.AdminPage + "?handler=revoke", OAuthFlows.Form(
            ("grant_id", entry.GrantId), ("offset", offset.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("__RequestVerificationToken", HtmlForm.AntiforgeryToken(page))));

        Assert.Contains("machine-clients-link", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        var afterPage = await revoked.Content.ReadAsStringAsync();
        Assert.Contains("admin-message", afterPage, StringComparison.Ordinal);
        await AssertRevokedAsync(afterPage, clientId, accessToken, refreshToken);
    }

    /// <summary>A revoked assistant is gone from the page, its access token is refused at /mcp and its refresh token at /token.</summary>
    private async Task AssertRevokedAsync(string pageAfterRevocation, string clientId, string accessToken, string refreshToken)
    {
        Assert.Null(AssistantPages.Find(pageAfterRevocation, clientId));
        Assert.Equal(HttpStatusCode.Unauthorized, await AssistantPages.CallMcpAsync(fixture, accessToken));
        var (refresh, refreshBody) = await _oauth.RefreshAsync(clientId, refreshToken);
        Assert.Equal(HttpStatusCode.BadRequest, refresh.StatusCode);
        Assert.Equal("invalid_grant", refreshBody.GetProperty("error").GetString());
    }

    [Fact]
    public async Task The_administration_page_refuses_an_offset_out_of_bounds()
    {
        using var admin = fixture.CreateBrowserLikeClient();
        await _oauth.SignInAsAdministratorAsync(admin, AssistantPages.AdminPage);

        using var negative = await admin.GetAsync(AssistantPages.AdminPage + "?offset=-1");
        using var deep = await admin.GetAsync(AssistantPages.AdminPage + "?offset=100000000");

        Assert.Equal(HttpStatusCode.BadRequest, negative.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, deep.StatusCode);
    }

    /// <summary>Follows the administrators' "next page" links until the page that lists <paramref name="clientId"/>.</summary>
    private static async Task<(string Page, int Offset, AssistantEntry Entry)> FindOnAdminPagesAsync(HttpClient admin, string firstPage, string clientId)
    {
        var page = firstPage;
        var offset = 0;
        for (var pages = 0; pages < 200; pages++)
        {
            if (AssistantPages.Find(page, clientId) is { } entry)
            {
                return (page, offset, entry);
            }

            var next = System.Text.RegularExpressions.Regex.Match(page, "id=\"next-page\" href=\"[^\"]*offset=(?<offset>\\d+)\"");
            Assert.True(next.Success, $"No administration page lists client {clientId}.");
            offset = int.Parse(next.Groups["offset"].Value, System.Globalization.CultureInfo.InvariantCulture);
            page = await admin.GetStringAsync($"{AssistantPages.AdminPage}?offset={offset}");
        }

        throw new InvalidOperationException("Too many administration pages.");
    }
}
