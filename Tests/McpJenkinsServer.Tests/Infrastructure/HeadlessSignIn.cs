using System.Text.RegularExpressions;
using ModelContextProtocol.Authentication;

namespace McpAspire.McpJenkinsServer.Tests.Infrastructure;

/// <summary>
/// Plays the user's browser for the SDK's OAuth client: follows the authorization redirects, fills in the
/// auth server's login form and allows the consent form, with cookies, and hands back the code from the
/// loopback redirect — exactly what a person would do, without a browser. It never listens on the loopback
/// port: the redirect is read from the Location header.
/// </summary>
public sealed partial class HeadlessSignIn(string userName, string password, Transcript transcript) : IDisposable
{
    private const int MaxSteps = 20;
    private readonly HttpClient browser = new(new TranscriptHandler(transcript, DistributedApplicationFixture.WithOwnClientAddress(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = true,
        CookieContainer = new CookieContainer(),
    })));

    /// <summary>How many times the user was asked to sign in or consent (a step-up asks again).</summary>
    public int Authorizations { get; private set; }

    /// <summary>The authorization request URLs the client sent the user to.</summary>
    public List<Uri> AuthorizationRequests { get; } = [];

    /// <summary>The scopes the user was shown on the consent page, per authorization.</summary>
    public List<IReadOnlyList<string>> ConsentedScopes { get; } = [];

    public async Task<AuthorizationResult?> AuthorizeAsync(AuthorizationCallbackContext context, CancellationToken cancellationToken)
    {
        Authorizations++;
        AuthorizationRequests.Add(context.AuthorizationUri);
        var redirect = context.RedirectUri.GetLeftPart(UriPartial.Path);
        var response = await browser.GetAsync(context.AuthorizationUri, cancellationToken);
        var current = context.AuthorizationUri;

        for (var step = 0; step < MaxSteps; step++)
        {
            var page = response;
            using (page)
            {
                if (page.Headers.Location is { } location)
                {
                    var target = location.IsAbsoluteUri ? location : new Uri(current, location);
                    if (target.GetLeftPart(UriPartial.Path) == redirect)
                    {
                        var query = System.Web.HttpUtility.ParseQueryString(target.Query);
                        if (query["error"] is { } error)
                        {
                            throw new InvalidOperationException($"The auth server refused the authorization: {error} {query["error_description"]}");
                        }

                        return new AuthorizationResult { Code = query["code"], State = query["state"], Iss = query["iss"] };
                    }

                    current = target;
                    response = await browser.GetAsync(target, cancellationToken);
                    continue;
                }

                var html = await page.Content.ReadAsStringAsync(cancellationToken);
                if (!page.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"The auth server answered {(int)page.StatusCode} at {current.AbsolutePath}.");
                }

                var (action, fields) = ReadForm(html, current);
                if (fields.ContainsKey("password"))
                {
                    fields["username"] = userName;
                    fields["password"] = password;
                }
                else if (html.Contains("id=\"consent-form\"", StringComparison.Ordinal))
                {
                    fields["decision"] = "allow";
                    ConsentedScopes.Add([.. ConsentScope().Matches(html).Select(m => m.Groups[1].Value)]);
                }
                else
                {
                    throw new InvalidOperationException($"No login or consent form at {current.AbsolutePath}.");
                }

                current = action;
                response = await browser.PostAsync(action, new FormUrlEncodedContent(fields), cancellationToken);
            }
        }

        throw new InvalidOperationException("The sign-in did not reach the redirect URI.");
    }

    private static (Uri Action, Dictionary<string, string> Fields) ReadForm(string html, Uri page)
    {
        var form = Form().Match(html);
        if (!form.Success)
        {
            throw new InvalidOperationException($"No form at {page.AbsolutePath}.");
        }

        var action = Attribute(form.Groups["open"].Value, "action") is { Length: > 0 } a ? new Uri(page, WebUtility.HtmlDecode(a)) : page;
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match input in Input().Matches(form.Groups["body"].Value))
        {
            if (Attribute(input.Value, "name") is { Length: > 0 } name)
            {
                fields[WebUtility.HtmlDecode(name)] = WebUtility.HtmlDecode(Attribute(input.Value, "value") ?? "");
            }
        }

        return (action, fields);
    }

    private static string? Attribute(string tag, string name)
    {
        var match = Regex.Match(tag, $@"\s{name}=""([^""]*)""", RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1));
        return match.Success ? match.Groups[1].Value : null;
    }

    public void Dispose() => browser.Dispose();

    [GeneratedRegex(@"(?<open><form\b[^>]*>)(?<body>.*?)</form>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex Form();

    [GeneratedRegex(@"<input\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex Input();

    [GeneratedRegex(@"data-scope=""([^""]+)""")]
    private static partial Regex ConsentScope();
}
