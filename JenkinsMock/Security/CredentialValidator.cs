using System.Security.Cryptography;

namespace McpAspire.JenkinsMock.Security;

/// <summary>
/// Checks user + API token or password, in constant time, and says what the user may do. User ids are matched as Jenkins'
/// default user id strategy does (<c>IdStrategy.CaseInsensitive</c> of the built-in security realm: lower-cased in English):
/// <c>ALICE</c> with alice's token logs in, as the user <c>alice</c>, which is the name whoAmI and build causes then show.
/// </summary>
public sealed class CredentialValidator(IOptionsMonitor<JenkinsOptions> options)
{
    /// <summary>The kind of login the secret proves and the user's id as Jenkins keeps it, or null when user or secret is wrong.</summary>
    public (AuthenticationKind Kind, string User)? Authenticate(string user, string secret)
    {
        var settings = options.CurrentValue;
        var userMatches = SecretEquals(KeyFor(user), KeyFor(settings.User));
        var isToken = SecretEquals(secret, settings.ApiToken);
        var isPassword = !string.IsNullOrEmpty(settings.Password) && SecretEquals(secret, settings.Password);
        if (userMatches)
        {
            return isToken ? (AuthenticationKind.ApiToken, settings.User) : isPassword ? (AuthenticationKind.Session, settings.User) : null;
        }

        // Further users log in with their API token only.
        var other = settings.Users.Find(candidate => KeyFor(candidate.Name) == KeyFor(user));
        return other is not null && SecretEquals(secret, other.ApiToken) ? (AuthenticationKind.ApiToken, other.Name) : null;
    }

    /// <summary>IdStrategy.CaseInsensitive.keyFor: <c>id.toLowerCase(Locale.ENGLISH)</c>.</summary>
    private static string KeyFor(string id) => id.ToLowerInvariant();

    /// <summary>The main user administers Jenkins; a further user has the permissions its settings grant.</summary>
    public PermissionSet PermissionsOf(string user)
    {
        var settings = options.CurrentValue;
        if (user == settings.User)
        {
            return PermissionSet.Administer;
        }

        return settings.Users.Find(candidate => candidate.Name == user) is { } other
            ? PermissionSet.Of(other.Permissions.Select(PermissionKind.Parse).OfType<PermissionKind>(), other.Items)
            : PermissionSet.None;
    }

    private static bool SecretEquals(string presented, string expected)
        => expected.Length > 0 && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected));
}
