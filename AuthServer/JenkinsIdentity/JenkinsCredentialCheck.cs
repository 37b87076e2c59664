using System.Net;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using McpAspire.AccessPolicy.JenkinsIdentity;

namespace McpAspire.AuthServer.JenkinsIdentity;

/// <summary>What Jenkins said of a user id and API token presented for linking.</summary>
public enum CredentialVerdict
{
    /// <summary>Jenkins authenticated them as exactly that user id.</summary>
    Valid,

    /// <summary>Not shaped like a Jenkins API token (a password, most likely): refused without asking Jenkins.</summary>
    NotAnApiToken,

    /// <summary>Jenkins answered 401: no such user, or not their token (revoked, mistyped).</summary>
    Rejected,

    /// <summary>Jenkins authenticated the token as another user id (its user ids ignore case: another spelling).</summary>
    NameMismatch,

    /// <summary>Jenkins could not be asked (down, timed out, an unexpected answer): nothing is known.</summary>
    Unavailable,
}

/// <summary>The verdict, and the user id Jenkins reported when it authenticated the token.</summary>
public sealed record CredentialCheckResult(CredentialVerdict Verdict, string? ReportedUser = null);

/// <summary>
/// Asks Jenkins who a user id and API token authenticate as (<c>GET /whoAmI/api/json</c> with HTTP Basic, the way every
/// later call will authenticate; reachable without Overall/Read), before a link is stored. Jenkins is found by service
/// discovery (<c>Jenkins:Url</c>, default the AppHost's <c>jenkins</c> resource); redirects are not followed, so the
/// credentials go to that address only.
/// </summary>
public sealed partial class JenkinsCredentialCheck(HttpClient http)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Jenkins API tokens are 32 hexadecimal digits (legacy) or <c>11</c> and 32 (ApiTokenStore, Jenkins 2.129+). Anything
    /// else is refused before Jenkins is asked: Jenkins also accepts a password over HTTP Basic, and McpAspire must never
    /// store a password (nor be used to try passwords against Jenkins).
    /// </summary>
    public static bool LooksLikeApiToken(string? token) => token is not null && ApiTokenShape().IsMatch(token);

    public async Task<CredentialCheckResult> CheckAsync(string jenkinsUser, string apiToken, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(jenkinsUser);
        if (!LooksLikeApiToken(apiToken))
        {
            return new(CredentialVerdict.NotAnApiToken);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, "whoAmI/api/json?tree=name,anonymous");
        request.Headers.Authorization = JenkinsBasicAuthentication.Header(jenkinsUser, apiToken);
        WhoAmI? whoAmI;
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                return new(CredentialVerdict.Rejected);
            }

            if (!response.IsSuccessStatusCode)
            {
                return new(CredentialVerdict.Unavailable);
            }

            whoAmI = await response.Content.ReadFromJsonAsync<WhoAmI>(Json, cancellationToken);
        }
        // Connection failures, resilience timeouts and open circuits, an answer that is not whoAmI: nothing is known.
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new(CredentialVerdict.Unavailable);
        }

        if (whoAmI is not { Anonymous: false, Name: { Length: > 0 } reported })
        {
            return new(CredentialVerdict.Rejected);
        }

        return string.Equals(reported, jenkinsUser, StringComparison.Ordinal)
            ? new(CredentialVerdict.Valid, reported)
            : new(CredentialVerdict.NameMismatch, reported);
    }

    [GeneratedRegex(@"\A(11)?[0-9a-fA-F]{32}\z", RegexOptions.CultureInvariant)]
    private static partial Regex ApiTokenShape();

    private sealed record WhoAmI([property: JsonPropertyName("name")] string? Name, [property: JsonPropertyName("anonymous")] bool? Anonymous);
}
