using System.Net;
using System.Text.RegularExpressions;

namespace McpAspire.AuthServer.Tests.Infrastructure;

/// <summary>Reads the fields of a server-rendered form the way a browser without JavaScript would post them.</summary>
public static partial class HtmlForm
{
    /// <summary>Every hidden input of the page, in document order (repeated names kept).</summary>
    public static List<KeyValuePair<string, string>> HiddenFields(string html)
    {
        var fields = new List<KeyValuePair<string, string>>();
        foreach (Match input in InputTag().Matches(html))
        {
            var attributes = Attribute().Matches(input.Value).ToDictionary(
                attribute => attribute.Groups["key"].Value.ToLowerInvariant(),
                attribute => WebUtility.HtmlDecode(attribute.Groups["value"].Value));
            if (attributes.GetValueOrDefault("type") == "hidden" && attributes.TryGetValue("name", out var name))
            {
                fields.Add(new(name, attributes.GetValueOrDefault("value") ?? ""));
            }
        }

        return fields;
    }

    /// <summary>The antiforgery token the page's form carries.</summary>
    public static string AntiforgeryToken(string html) =>
        HiddenFields(html).Single(field => field.Key == "__RequestVerificationToken").Value;

    /// <summary>The decoded text of the element with <paramref name="id"/> (no nested elements).</summary>
    public static string ElementText(string html, string id)
    {
        var match = Regex.Match(html, $"id=\"{Regex.Escape(id)}\"[^>]*>(?<text>[^<]*)<");
        Assert.True(match.Success, $"The page has no element #{id}.");
        return WebUtility.HtmlDecode(match.Groups["text"].Value);
    }

    [GeneratedRegex("<input\\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InputTag();

    [GeneratedRegex("(?<key>[a-zA-Z][a-zA-Z0-9_-]*)=\"(?<value>[^\"]*)\"")]
    private static partial Regex Attribute();
}
