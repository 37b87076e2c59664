using System.Text.RegularExpressions;

namespace McpAspire.AuthServer.Tests.ExternalSignIn;

/// <summary>
/// A browser without JavaScript, played over HTTP with one cookie jar for both sites: the auth server's sign-in page,
/// its "Sign in with …" button, the upstream provider's own login form, the callback, and the consent page. Each step
/// is a method so tests can stop, tamper or replay in between.
/// </summary>
public sealed partial class FederatedBrowser(AuthServerFixture app) : IDisposable
{
    private const int MaxRedirects = 15;

    public HttpClient Http { get; } = app.CreateHttpClient(DistributedApplicationFixture.AuthServer, keepCookies: true);

    /// <summary>From an authorization request to the client's redirect URI (code, state, iss), signing in upstream.</summary>
    public async Task<Uri> AuthorizeAsync(string authorizeUrl, string login, string password, string clientRedirectPrefix = "http://127.0.0.1:53682/callback")
    {
        var loginPage = await FollowAsync(new Uri(Http.BaseAddress!, authorizeUrl), stopAt: _ => false);
        Assert.Equal(HttpStatusCode.OK, loginPage.Response.StatusCode);
        var upstreamRequest = await ChooseProviderAsync(loginPage.Html, AuthServerFixture.Provider);
        var callback = await SignInUpstreamAsync(upstreamRequest, login, password);
        var afterCallback = await FollowAsync(callback, stopAt: uri => uri.AbsoluteUri.StartsWith(clientRedirectPrefix, StringComparison.Ordinal));
        if (afterCallback.StoppedAt is { } done)
        {
            return done;
        }

        Assert.True(afterCallback.Html.Contains("id=\"consent-form\"", StringComparison.Ordinal),
            $"Expected the consent page after the callback, got {(int)afterCallback.Response.StatusCode} at {afterCallback.Url}.");
        return await OAuthFlows.DecideAsync(Http, afterCallback.Html, "allow");
    }

    /// <summary>Posts the provider's button form of the sign-in page; returns the authorization request sent upstream.</summary>
    public async Task<Uri> ChooseProviderAsync(string loginPageHtml, string provider, string? returnUrl = null)
    {
        var fields = HtmlForm.FormFields(loginPageHtml, $"external-{provider}");
        if (returnUrl is not null)
        {
            fields["returnUrl"] = returnUrl;
        }

        using var challenge = await Http.PostAsync("/account/login?handler=external", new FormUrlEncodedContent(fields));
        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        return challenge.Headers.Location!;
    }

    /// <summary>Signs in on the upstream provider's own page; returns the callback URL it redirects back to (not followed).</summary>
    public async Task<Uri> SignInUpstreamAsync(Uri upstreamRequest, string login, string password)
    {
        var form = await FollowAsync(upstreamRequest, stopAt: _ => false);
        Assert.True(form.Response.StatusCode == HttpStatusCode.OK, $"The upstream provider answered {(int)form.Response.StatusCode}: {form.Html}");
        var action = new Uri(form.Url, WebUtility.HtmlDecode(UpstreamAction().Match(form.Html).Groups["action"].Value));
        using var posted = await Http.PostAsync(action, new FormUrlEncodedContent(new Dictionary<string, string> { ["login"] = login, ["password"] = password }));
        var back = await FollowAsync(posted, action, stopAt: uri => uri.AbsolutePath.StartsWith("/account/external/", StringComparison.Ordinal));
        return back.StoppedAt ?? throw new InvalidOperationException($"The upstream provider did not redirect back: {(int)back.Response.StatusCode} {back.Html}");
    }

    public sealed record Landing(HttpResponseMessage Response, Uri Url, string Html, Uri? StoppedAt);

    /// <summary>Follows redirects from <paramref name="start"/> until a page, or a URL <paramref name="stopAt"/> accepts (not requested).</summary>
    public async Task<Landing> FollowAsync(Uri start, Func<Uri, bool> stopAt)
    {
        if (stopAt(start))
        {
            return new Landing(new HttpResponseMessage(HttpStatusCode.Redirect), start, "", start);
        }

        return await FollowAsync(await Http.GetAsync(start), start, stopAt);
    }

    private async Task<Landing> FollowAsync(HttpResponseMessage response, Uri url, Func<Uri, bool> stopAt)
    {
        for (var step = 0; step < MaxRedirects; step++)
        {
            if (response.Headers.Location is not { } location)
            {
                return new Landing(response, url, await response.Content.ReadAsStringAsync(), null);
            }

            var next = location.IsAbsoluteUri ? location : new Uri(url, location);
            if (stopAt(next))
            {
                return new Landing(response, url, "", next);
            }

            response.Dispose();
            url = next;
            response = await Http.GetAsync(next);
        }

        throw new InvalidOperationException("Too many redirects.");
    }

    public void Dispose() => Http.Dispose();

    [GeneratedRegex("<form\\b[^>]*id=\"upstream-login\"[^>]*action=\"(?<action>[^\"]+)\"")]
    private static partial Regex UpstreamAction();
}
