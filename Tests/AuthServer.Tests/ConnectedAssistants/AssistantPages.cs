using System.Text.RegularExpressions;

namespace McpAspire.AuthServer.Tests.ConnectedAssistants;

/// <summary>One entry of a connected-assistants page (the user's or the administrators'), as the HTML shows it.</summary>
public sealed record AssistantEntry(string GrantId, string Name, IReadOnlyList<string> Scopes, DateTimeOffset? AuthorizedAt, DateTimeOffset? LastUsedAt);

/// <summary>What the connected-assistants tests do: connect a client as a user, read the pages, post their forms, call /mcp.</summary>
public static partial class AssistantPages
{
    public const string UserPage = "/account/assistants";
    public const string AdminPage = "/admin/connected-assistants";

    /// <summary>The entry for <paramref name="clientId"/>, or null when the page does not list it.</summary>
    public static AssistantEntry? Find(string html, string clientId)
    {
        var entry = Regex.Match(html,
            $"<li class=\"(assistant|grant)\"[^>]*data-client-id=\"{Regex.Escape(clientId)}\"[^>]*>(?<body>.*?)</form>",
            RegexOptions.Singleline);
        if (!entry.Success)
        {
            return null;
        }

        var body = entry.Groups["body"].Value;
        return new AssistantEntry(
            HtmlForm.HiddenFields(body).Single(field => field.Key == "grant_id").Value,
            WebUtility.HtmlDecode(Regex.Match(body, "<h2[^>]*>(?<name>[^<]*)</h2>").Groups["name"].Value),
            [.. DataScope().Matches(body).Select(match => match.Groups["scope"].Value)],
            Date(body, "authorized") ?? Date(body, "created"),
            Date(body, "last-use"));
    }

    /// <summary>Posts the revoke form as the page's browser would (or without its antiforgery token).</summary>
    public static Task<HttpResponseMessage> RevokeAsync(HttpClient browser, string path, string page, string grantId, bool withAntiforgery = true)
    {
        var fields = new List<(string, string)> { ("grant_id", grantId) };
        if (withAntiforgery)
        {
            fields.Add(("__RequestVerificationToken", HtmlForm.AntiforgeryToken(page)));
        }

        return browser.PostAsync(path + "?handler=revoke", OAuthFlows.Form([.. fields]));
    }

    /// <summary>A user's tokens for a freshly registered client, signed in and consented with <paramref name="browser"/> (a new one: it is sent to sign in).</summary>
    public static async Task<(string ClientId, string AccessToken, string RefreshToken)> ConnectAsync(
        OAuthFlows oauth, HttpClient browser, TestUser user, string clientName, string scope = "mcp:read offline_access")
    {
        var clientId = await oauth.RegisterPublicClientAsync(clientName);
        var pkce = Pkce.Create();
        var callback = await OAuthFlows.SignInAndConsentAsync(browser, OAuthFlows.AuthorizeUrl(clientId, pkce, "s", scope), user.UserName, user.Password);
        var (response, tokens) = await oauth.RedeemCodeAsync(clientId, QueryHelpers.ParseQuery(callback.Query)["code"].ToString(), pkce.Verifier);
        Assert.True(response.IsSuccessStatusCode, tokens.ToString());
        return (clientId, tokens.GetProperty("access_token").GetString()!, tokens.GetProperty("refresh_token").GetString()!);
    }

    /// <summary>As <see cref="ConnectAsync(OAuthFlows, HttpClient, TestUser, string, string)"/>, in a browser of its own that the test does not use again.</summary>
    public static async Task<(string ClientId, string AccessToken, string RefreshToken)> ConnectAsync(
        AuthServerFixture fixture, OAuthFlows oauth, TestUser user, string clientName, string scope = "mcp:read offline_access")
    {
        ArgumentNullException.ThrowIfNull(fixture);
        using var browser = fixture.CreateBrowserLikeClient();
        return await ConnectAsync(oauth, browser, user, clientName, scope);
    }

    /// <summary>An MCP initialize request with <paramref name="accessToken"/>, as any MCP client sends it first.</summary>
    public static async Task<HttpStatusCode> CallMcpAsync(AuthServerFixture fixture, string accessToken)
    {
        using var mcp = fixture.CreateHttpClient(DistributedApplicationFixture.McpServer);
        return await McpInitialize.SendAsync(mcp, fixture.McpUrl, accessToken, "connected-assistants-tests");
    }

    private static DateTimeOffset? Date(string body, string cssClass)
    {
        var match = Regex.Match(body, $"class=\"{cssClass}\"><time datetime=\"(?<date>[^\"]*)\"");
        return match.Success && match.Groups["date"].Value.Length > 0
            ? DateTimeOffset.Parse(match.Groups["date"].Value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)
            : null;
    }

    [GeneratedRegex("data-scope=\"(?<scope>[^\"]*)\"")]
    private static partial Regex DataScope();
}
