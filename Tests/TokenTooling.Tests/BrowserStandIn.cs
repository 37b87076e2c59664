using System.Text.RegularExpressions;

namespace McpAspire.TokenTooling.Tests;

/// <summary>
/// What a person's browser does with the authorization URL the script prints in interactive mode: sign in,
/// answer the consent page, and end on the loopback redirect URI (whose address the person then pastes).
/// Uses the forms exactly as docs/auth-server.md describes them.
/// </summary>
public static partial class BrowserStandIn
{
    /// <summary>Walks the sign-in and consent pages; returns the address the browser ends on.</summary>
    public static async Task<Uri> SignInAsync(Uri authorizationUrl, string userName, string password, string decision)
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() };
        using var browser = new HttpClient(handler);
        var url = authorizationUrl;
        for (var hop = 0; hop < 10; hop++)
        {
            using var response = await browser.GetAsync(url);
            if (IsRedirect(response.StatusCode))
            {
                var location = new Uri(url, response.Headers.Location!);
                if (location.IsLoopback && location.AbsolutePath == "/callback")
                {
                    return location;
                }

                url = location;
                continue;
            }

            var page = await response.Content.ReadAsStringAsync();
            var fields = HiddenFields(page);
            if (page.Contains("type=\"password\"", StringComparison.Ordinal))
            {
                fields["username"] = userName;
                fields["password"] = password;
            }
            else
            {
                fields["decision"] = decision;
            }

            using var form = new FormUrlEncodedContent(fields);
            using var posted = await browser.PostAsync(new Uri(url, FormAction(page)), form);
            Assert.True(IsRedirect(posted.StatusCode), $"The form at {url.AbsolutePath} answered {(int)posted.StatusCode}.");
            var next = new Uri(url, posted.Headers.Location!);
            if (next.IsLoopback && next.AbsolutePath == "/callback")
            {
                return next;
            }

            url = next;
        }

        throw new InvalidOperationException("The authorization server never redirected back to the loopback redirect URI.");
    }

    private static bool IsRedirect(HttpStatusCode status) => (int)status is >= 300 and < 400;

    private static Dictionary<string, string> HiddenFields(string page)
        => InputTag().Matches(page)
            .Select(input => input.Value)
            .Where(input => Attribute(input, "type") == "hidden")
            .ToDictionary(input => Attribute(input, "name"), input => Attribute(input, "value"));

    private static string Attribute(string tag, string name)
    {
        var match = Regex.Match(tag, $"\\s{name}=\"(?<value>[^\"]*)\"", RegexOptions.None, TimeSpan.FromSeconds(1));
        return match.Success ? WebUtility.HtmlDecode(match.Groups["value"].Value) : "";
    }

    private static string FormAction(string page) => WebUtility.HtmlDecode(FormActionAttribute().Match(page).Groups["action"].Value);

    [GeneratedRegex("<input\\b[^>]*>")]
    private static partial Regex InputTag();

    [GeneratedRegex("<form[^>]*method=\"post\"[^>]*action=\"(?<action>[^\"]*)\"", RegexOptions.IgnoreCase)]
    private static partial Regex FormActionAttribute();
}
