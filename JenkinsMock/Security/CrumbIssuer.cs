using System.Security.Cryptography;

namespace McpAspire.JenkinsMock.Security;

/// <summary>
/// Jenkins' DefaultCrumbIssuer: a crumb is a keyed hash of the user and the web session, so a crumb
/// obtained in one session is worthless in another. The key lives only in this process.
/// </summary>
public sealed class CrumbIssuer
{
    public const string RequestField = "Jenkins-Crumb";

    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    /// <summary>The web session a crumb is bound to: none for API-token requests, which need no crumb.</summary>
    public static string? SessionOf(HttpContext context, JenkinsIdentity identity)
        => identity.Kind == AuthenticationKind.ApiToken ? null : context.Session.Id;

    public string Issue(string user, string? sessionId)
        => Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"{user}\n{sessionId}")));

    public bool IsValid(string user, string? sessionId, string? crumb)
    {
        if (string.IsNullOrEmpty(crumb))
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Issue(user, sessionId));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.UTF8.GetBytes(crumb));
    }
}
