using System.Security.Cryptography;
using System.Text;
using McpAspire.JenkinsMock.Model;
using Microsoft.Extensions.Options;

namespace McpAspire.JenkinsMock.Security;

/// <summary>Checks user + API token or password, in constant time.</summary>
public sealed class CredentialValidator(IOptionsMonitor<JenkinsOptions> options)
{
    /// <summary>The kind of login the secret proves, or null when user or secret is wrong.</summary>
    public AuthenticationKind? Validate(string user, string secret)
    {
        var settings = options.CurrentValue;
        var userMatches = SecretEquals(user, settings.User);
        var isToken = SecretEquals(secret, settings.ApiToken);
        var isPassword = !string.IsNullOrEmpty(settings.Password) && SecretEquals(secret, settings.Password);
        if (!userMatches)
        {
            return null;
        }

        return isToken ? AuthenticationKind.ApiToken : isPassword ? AuthenticationKind.Session : null;
    }

    private static bool SecretEquals(string presented, string expected)
        => expected.Length > 0 && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected));
}
