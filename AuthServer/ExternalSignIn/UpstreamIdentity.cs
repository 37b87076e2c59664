using static OpenIddict.Abstractions.OpenIddictConstants;

namespace McpAspire.AuthServer.ExternalSignIn;

/// <summary>
/// What this server keeps of an upstream sign-in, read from the principal OpenIddict's client validated (identity
/// token and userinfo merged): the subject, a name to show, and the groups. Nothing else (no token, no e-mail as
/// identifier) leaves the callback.
/// </summary>
public static class UpstreamIdentity
{
    /// <summary>
    /// The login, or null when the provider named no subject. <paramref name="issuer"/> is the registration's
    /// issuer (OpenIddict checked the identity token's <c>iss</c> against it).
    /// </summary>
    public static ExternalLogin? From(ClaimsPrincipal principal, string issuer, string groupsClaim)
    {
        ArgumentNullException.ThrowIfNull(principal);
        // "sub" for OpenID Connect providers; GitHub (OAuth 2.0 only) has its numeric user id, which OpenIddict's web
        // provider maps to the name identifier.
        var subject = First(principal, Claims.Subject) ?? First(principal, ClaimTypes.NameIdentifier);
        if (string.IsNullOrEmpty(subject) || subject.Length > ExternalLogin.MaxSubjectLength)
        {
            return null;
        }

        var name = First(principal, Claims.PreferredUsername) ?? First(principal, Claims.Name)
            ?? First(principal, ClaimTypes.Name) ?? First(principal, Claims.Email) ?? First(principal, ClaimTypes.Email) ?? "";
        return new ExternalLogin(issuer, subject, name, Groups(principal, groupsClaim));
    }

    /// <summary>
    /// The groups in <paramref name="claimType"/>: a JSON array (OpenIddict gives one claim per element, or one claim
    /// holding the array), a single string, or absent (no groups). Duplicates and blanks are dropped, order kept.
    /// </summary>
    public static IReadOnlyList<string> Groups(ClaimsPrincipal principal, string claimType)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var groups = new List<string>();
        foreach (var claim in principal.Claims.Where(claim => string.Equals(claim.Type, claimType, StringComparison.Ordinal)))
        {
            var value = claim.Value?.Trim();
            if (string.IsNullOrEmpty(value))
            {
                continue;
            }

            if (value.StartsWith('['))
            {
                groups.AddRange(ArrayElements(value));
            }
            else
            {
                groups.Add(value);
            }
        }

        return [.. groups.Where(group => !string.IsNullOrWhiteSpace(group)).Select(group => group.Trim()).Distinct(StringComparer.Ordinal)];
    }

    private static IEnumerable<string> ArrayElements(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return [];
            }

            // Strings only: a provider that lists groups as objects names them some other way this server cannot guess.
            return [.. document.RootElement.EnumerateArray()
                .Where(element => element.ValueKind == JsonValueKind.String)
                .Select(element => element.GetString()!)];
        }
        catch (JsonException)
        {
            // A group whose name merely starts with '[' is still a group.
            return [json];
        }
    }

    private static string? First(ClaimsPrincipal principal, string type)
        => principal.Claims.FirstOrDefault(claim => string.Equals(claim.Type, type, StringComparison.Ordinal) && !string.IsNullOrWhiteSpace(claim.Value))?.Value;
}
