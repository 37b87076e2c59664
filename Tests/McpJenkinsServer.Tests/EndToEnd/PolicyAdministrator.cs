using System.Text.RegularExpressions;

namespace McpAspire.McpJenkinsServer.Tests.EndToEnd;

/// <summary>
/// An administrator at the auth server's Jenkins access policy page, as a browser without JavaScript: signs in through
/// the login form, then reads the page (its version and antiforgery token) and posts its forms. Cookies kept, no
/// redirects followed.
/// </summary>
public sealed partial class PolicyAdministrator : IDisposable
{
    public const string PagePath = "/admin/access-policy";

    private readonly HttpClient _browser;

    private PolicyAdministrator(HttpClient browser) => _browser = browser;

    public static async Task<PolicyAdministrator> SignInAsync(McpAspireAppFixture app, CancellationToken cancellationToken)
    {
        var browser = app.CreateHttpClient(DistributedApplicationFixture.AuthServer, keepCookies: true);
        var login = await browser.GetStringAsync(new Uri("/account/login?ReturnUrl=%2Fadmin%2Faccess-policy", UriKind.Relative), cancellationToken);
        var fields = HiddenFields(login);
        fields["username"] = DistributedApplicationFixture.AdminUserName;
        fields["password"] = app.AdminPassword;
        using var signedIn = await browser.PostAsync(new Uri("/account/login", UriKind.Relative), new FormUrlEncodedContent(fields), cancellationToken);
        if (signedIn.StatusCode != HttpStatusCode.Redirect)
        {
            browser.Dispose();
            throw new InvalidOperationException($"The admin could not sign in: {(int)signedIn.StatusCode}.");
        }

        return new PolicyAdministrator(browser);
    }

    /// <summary>The page as it is now.</summary>
    public async Task<(HttpStatusCode Status, string Html)> GetAsync(CancellationToken cancellationToken)
    {
        using var response = await _browser.GetAsync(new Uri(PagePath, UriKind.Relative), cancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }

    /// <summary>Replaces the whole policy by <paramref name="json"/>, at the version the page shows now.</summary>
    public async Task<(HttpStatusCode Status, string Html)> ReplaceAsync(string json, CancellationToken cancellationToken)
        => await PostAsync("replace", new() { ["document"] = json }, cancellationToken);

    /// <summary>Posts one of the page's forms with the page's current version (or <paramref name="version"/>).</summary>
    public async Task<(HttpStatusCode Status, string Html)> PostAsync(
        string handler, Dictionary<string, string> fields, CancellationToken cancellationToken, long? version = null, IEnumerable<KeyValuePair<string, string>>? repeated = null)
    {
        var (_, page) = await GetAsync(cancellationToken);
        var form = new List<KeyValuePair<string, string>>
        {
            new("__RequestVerificationToken", AntiforgeryToken(page)),
            new("version", (version ?? Version(page)).ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        form.AddRange(fields);
        form.AddRange(repeated ?? []);
        using var response = await _browser.PostAsync(new Uri($"{PagePath}?handler={handler}", UriKind.Relative), new FormUrlEncodedContent(form), cancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }

    /// <summary>The version the page's forms carry.</summary>
    public static long Version(string html) => long.Parse(VersionField().Match(html).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    public void Dispose() => _browser.Dispose();

    /// <summary>The hidden inputs of the page's first form, whatever order their attributes come in.</summary>
    private static Dictionary<string, string> HiddenFields(string html)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match input in Input().Matches(html))
        {
            if (Attribute(input.Value, "type") == "hidden" && Attribute(input.Value, "name") is { } name)
            {
                fields.TryAdd(name, Attribute(input.Value, "value") ?? "");
            }
        }

        return fields;
    }

    private static string AntiforgeryToken(string html)
        => HiddenFields(html).GetValueOrDefault("__RequestVerificationToken") ?? throw new InvalidOperationException("The page has no antiforgery token.");

    private static string? Attribute(string tag, string name)
    {
        var match = Regex.Match(tag, $@"\s{name}=""([^""]*)""", RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1));
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : null;
    }

    [GeneratedRegex(@"<input\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex Input();

    [GeneratedRegex(@"name=""version"" value=""(\d+)""")]
    private static partial Regex VersionField();
}
