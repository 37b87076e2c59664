using McpAspire.AuthServer.ConnectedAssistants;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace McpAspire.AuthServer.Tests.Unit;

/// <summary>How a user's grants become the rows of the connected-assistants page, and how clients are named there.</summary>
public sealed class ConnectedAssistantsLogicTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset OldestHonouredConsent = Now.AddDays(-30);

    [Fact]
    public void A_consent_and_its_sign_ins_are_one_assistant_named_by_the_newest_grant()
    {
        var grants = new[]
        {
            Consent("consent", "app", Now.AddDays(-3), "mcp:read"),
            SignIn("first", "app", Now.AddDays(-3), null, "mcp:read"),
            SignIn("second", "app", Now.AddDays(-1), Now.AddHours(-2), "mcp:read", "offline_access"),
        };

        var connection = Assert.Single(AssistantConnections.Of(grants, OldestHonouredConsent));

        Assert.Equal("second", connection.GrantId);
        Assert.Equal("app", connection.ApplicationId);
        Assert.Equal(Now.AddDays(-3), connection.AuthorizedAt);
        Assert.Equal(["mcp:read", "offline_access"], connection.Scopes);
        Assert.Equal(Now.AddHours(-2), connection.LastUsedAt);
    }

    [Fact]
    public void Last_use_is_the_sign_in_itself_when_no_later_token_was_issued()
    {
        var connection = Assert.Single(AssistantConnections.Of([SignIn("s", "app", Now.AddHours(-5), Now.AddHours(-6), "mcp:read")], OldestHonouredConsent));

        Assert.Equal(Now.AddHours(-5), connection.LastUsedAt);
    }

    [Fact]
    public void A_consent_alone_was_never_used()
    {
        var connection = Assert.Single(AssistantConnections.Of([Consent("c", "app", Now.AddDays(-2), "mcp:read")], OldestHonouredConsent));

        Assert.Null(connection.LastUsedAt);
        Assert.Equal(Now.AddDays(-2), connection.AuthorizedAt);
    }

    [Fact]
    public void A_consent_older_than_the_consent_lifetime_grants_nothing_and_is_not_listed()
    {
        var grants = new[]
        {
            Consent("expired", "old-app", Now.AddDays(-31), "mcp:read"),
            Consent("expired-too", "app", Now.AddDays(-40), "mcp:write"),
            SignIn("live", "app", Now.AddHours(-1), null, "mcp:read"),
        };

        var connection = Assert.Single(AssistantConnections.Of(grants, OldestHonouredConsent));

        Assert.Equal("app", connection.ApplicationId);
        Assert.Equal(["mcp:read"], connection.Scopes);
        Assert.Equal(Now.AddHours(-1), connection.AuthorizedAt);
    }

    [Fact]
    public void Assistants_are_listed_most_recently_used_first()
    {
        var grants = new[]
        {
            SignIn("a", "quiet", Now.AddDays(-5), null, "mcp:read"),
            SignIn("b", "busy", Now.AddDays(-6), Now.AddMinutes(-3), "mcp:read"),
            Consent("c", "unused", Now.AddDays(-1), "mcp:read"),
        };

        var order = AssistantConnections.Of(grants, OldestHonouredConsent).Select(connection => connection.ApplicationId);

        Assert.Equal(["busy", "unused", "quiet"], order);
    }

    [Fact]
    public void Scopes_follow_the_consent_page_order_then_any_other()
    {
        Assert.Equal(["mcp:read", "mcp:write", "openid", "offline_access", "aaa", "zzz"],
            AssistantConnections.Ordered(["offline_access", "zzz", "mcp:write", "openid", "aaa", "mcp:read", "mcp:read"]));
        Assert.Equal(["mcp:read", "offline_access", "aaa", "zzz"], AssistantConnections.Ordered(["zzz", "offline_access", "aaa", "mcp:read"]));
    }

    [Theory]
    [InlineData("abc123", "Claude Code", "Claude Code")]
    [InlineData("abc123", null, "abc123")]
    [InlineData("abc123", "  ", "abc123")]
    [InlineData("https://client.example.com/oauth/metadata.json", "Trust me, I am VS Code", "client.example.com")]
    [InlineData("http://localhost:8080/client.json", "Local", "localhost")]
    public void A_client_is_named_like_the_consent_page_names_it(string clientId, string? displayName, string expected)
        => Assert.Equal(expected, AssistantName.Of(clientId, displayName));

    [Fact]
    public void Dates_are_shown_in_UTC_to_the_minute()
    {
        Assert.Equal("2026-12-02 11:05 UTC", AssistantDates.Show(new DateTimeOffset(2026, 12, 2, 12, 5, 59, TimeSpan.FromHours(1))));
        Assert.Equal("never", AssistantDates.Show(null));
        Assert.Equal("2026-12-02T11:05:59Z", AssistantDates.Iso(new DateTimeOffset(2026, 12, 2, 12, 5, 59, TimeSpan.FromHours(1))));
    }

    private static AssistantGrant Consent(string id, string application, DateTimeOffset created, params string[] scopes)
        => new(id, "subject", application, AuthorizationTypes.Permanent, created, scopes, null);

    private static AssistantGrant SignIn(string id, string application, DateTimeOffset created, DateTimeOffset? lastToken, params string[] scopes)
        => new(id, "subject", application, AuthorizationTypes.AdHoc, created, scopes, lastToken);
}
