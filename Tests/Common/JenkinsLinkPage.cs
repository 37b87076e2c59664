using System.Net;
using McpAspire.AuthServer.Tests.Infrastructure;

namespace McpAspire.Tests.Common;

/// <summary>
/// The auth server's page <c>/account/jenkins</c> as a signed-in user's browser uses it: one cookie jar, the page's
/// antiforgery token posted back with each form. Shared by the page's tests and the MCP server's end-to-end tests.
/// </summary>
public sealed class JenkinsLinkPage : IDisposable
{
    public const string Path = "/account/jenkins";

    private readonly HttpClient _browser;

    private JenkinsLinkPage(HttpClient browser, string page)
    {
        _browser = browser;
        Html = page;
    }

    /// <summary>The page as last shown (after sign-in, or as the last post answered).</summary>
    public string Html { get; private set; }

    /// <summary>The Jenkins user id the page shows as linked, or null when it shows none.</summary>
    public string? LinkedUser => Html.Contains("id=\"linked-jenkins-user\"", StringComparison.Ordinal) ? HtmlForm.ElementText(Html, "linked-jenkins-user") : null;

    public static async Task<JenkinsLinkPage> SignInAsync(DistributedApplicationFixture app, TestUser user)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(user);
        var browser = app.CreateHttpClient(DistributedApplicationFixture.AuthServer, keepCookies: true);
        return new JenkinsLinkPage(browser, await LocalUsers.SignInAsync(browser, Path, user.UserName, user.Password));
    }

    /// <summary>Posts the link form; the status and the page answered.</summary>
    public Task<HttpStatusCode> LinkAsync(string jenkinsUser, string apiToken)
        => PostAsync("link", new() { ["jenkins_user"] = jenkinsUser, ["api_token"] = apiToken });

    public Task<HttpStatusCode> UnlinkAsync() => PostAsync("unlink", []);

    /// <summary>Shows the page again (a GET).</summary>
    public async Task<string> ReloadAsync() => Html = await _browser.GetStringAsync(Path);

    /// <summary>Posts to <paramref name="handler"/>, with the antiforgery token unless <paramref name="antiforgery"/> is false.</summary>
    public async Task<HttpStatusCode> PostAsync(string handler, Dictionary<string, string> fields, bool antiforgery = true)
    {
        ArgumentNullException.ThrowIfNull(fields);
        if (antiforgery)
        {
            // Each form of the page carries the same token.
            fields["__RequestVerificationToken"] = HtmlForm.AntiforgeryToken(Html);
        }

        using var response = await _browser.PostAsync($"{Path}?handler={handler}", new FormUrlEncodedContent(fields));
        var body = await response.Content.ReadAsStringAsync();
        if (body.Contains("id=\"link-form\"", StringComparison.Ordinal))
        {
            Html = body;
        }

        return response.StatusCode;
    }

    public void Dispose() => _browser.Dispose();
}
