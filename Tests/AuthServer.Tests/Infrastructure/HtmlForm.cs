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

    /// <summary>The named hidden fields of the page's form with <paramref name="formId"/> (the login page, for one, has a form per identity provider beside the password form).</summary>
    public static Dictionary<string, string> FormFields(string html, string formId)
    {
        var form = Regex.Match(html, $"<form\\b[^>]*id=\"{Regex.Escape(formId)}\"[^>]*>(?<body>.*?)</form>", RegexOptions.Singleline);
        Assert.True(form.Success, $"The page has no form #{formId}.");
        return HiddenFields(form.Groups["body"].Value).ToDictionary(field => field.Key, field => field.Value, StringComparer.Ordinal);
    }

    /// <summary>The antiforgery token the page's forms carry: one token, however many forms (each has its copy).</summary>
    public static string AntiforgeryToken(string html) =>
        HiddenFields(html).Where(field => field.Key == "__RequestVerificationToken").Select(field => field.Value).Distinct(StringComparer.Ordinal).Single();

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
