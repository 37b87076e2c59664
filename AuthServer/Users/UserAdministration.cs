using McpAspire.AuthServer.JenkinsIdentity;

namespace McpAspire.AuthServer.Users;

/// <summary>What an administrator does to local accounts: every change here is audited, and every change that
/// takes access away (disabling, a new password) ends the user's sessions, revokes their grants at once and unlinks their
/// Jenkins identity (an account that may be in the wrong hands must not keep running as someone in Jenkins, and a person
/// who left leaves no Jenkins token here; they link again after an enable or a reset).</summary>
public sealed partial class UserAdministration(
    IUserStore users,
    IOpenIddictAuthorizationManager authorizations,
    IOpenIddictTokenManager tokens,
    JenkinsIdentityLinks jenkinsIdentities,
    ILogger<UserAdministration> logger)
{
    public const int MinPasswordLength = 12;
    public const int MaxPasswordLength = 1024;
    public const int MaxGroups = 50;
    public const int MaxGroupLength = 128;

    /// <summary>
    /// Group names as typed in the form: separated by commas or white space, each of printable characters.
    /// Null (and <paramref name="error"/>) when one is too long, there are too many, or one has control characters.
    /// </summary>
    public static IReadOnlyList<string>? ParseGroups(string? text, out string? error)
    {
        var groups = (text ?? "").Split([',', ' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries)
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        error = groups.Count > MaxGroups ? $"A user belongs to at most {MaxGroups} groups."
            : groups.Any(group => group.Length > MaxGroupLength || group.Any(char.IsControl))
                ? $"Group names have 1 to {MaxGroupLength} printable characters."
                : null;
        return error is null ? groups : null;
    }

    /// <summary>Null when the password is acceptable, otherwise why not.</summary>
    public static string? CheckPassword(string? password) =>
        password is null || password.Length < MinPasswordLength ? $"A password has at least {MinPasswordLength} characters."
        : password.Length > MaxPasswordLength ? $"A password has at most {MaxPasswordLength} characters."
        : null;

    public async Task<AppUser> CreateAsync(string userName, string password, IReadOnlyList<string> groups, string administrator, CancellationToken cancellationToken)
    {
        var user = await users.CreateAsync(userName, password, cancellationToken);
        if (groups.Count > 0)
        {
            await users.SetGroupsAsync(user.UserName, groups, cancellationToken);
        }

        LogCreated(logger, LogText.Safe(user.UserName), string.Join(' ', groups.Select(LogText.Safe)), LogText.Safe(administrator));
        return user with { Groups = groups };
    }

    /// <summary>Replaces the groups; they reach the user's next token (a sign-in or a refresh), not the current ones.</summary>
    public async Task<bool> SetGroupsAsync(string userName, IReadOnlyList<string> groups, string administrator, CancellationToken cancellationToken)
    {
        if (!await users.SetGroupsAsync(userName, groups, cancellationToken))
        {
            return false;
        }

        LogGroupsSet(logger, LogText.Safe(userName), string.Join(' ', groups.Select(LogText.Safe)), LogText.Safe(administrator));
        return true;
    }

    /// <summary>
    /// Disables the user, then revokes every grant and token they have. The flag goes first so that nothing new
    /// can be issued while the revocation runs; disabling an already disabled user runs the revocation again,
    /// which is how an interrupted one is completed.
    /// </summary>
    public async Task<bool> DisableAsync(string userName, string administrator, CancellationToken cancellationToken)
    {
        var user = await users.FindByNameAsync(userName, cancellationToken);
        if (user is null || !await users.SetDisabledAsync(user.UserName, disabled: true, cancellationToken))
        {
            return false;
        }

        var revoked = await RevokeEverythingAsync(user, "user disabled");
        LogDisabled(logger, LogText.Safe(user.UserName), revoked, LogText.Safe(administrator));
        return true;
    }

    public async Task<bool> EnableAsync(string userName, string administrator, CancellationToken cancellationToken)
    {
        if (!await users.SetDisabledAsync(userName, disabled: false, cancellationToken))
        {
            return false;
        }

        LogEnabled(logger, LogText.Safe(userName), LogText.Safe(administrator));
        return true;
    }

    /// <summary>
    /// Sets a new password. A reset is what an administrator does when an account may be in the wrong hands, so it
    /// also ends the user's sessions (new session stamp) and revokes their grants and tokens. A user who signs in at
    /// an identity provider gets no password here: it would open a second way in that the provider does not control.
    /// </summary>
    public async Task<PasswordReset> ResetPasswordAsync(string userName, string password, string administrator, CancellationToken cancellationToken)
    {
        var user = await users.FindByNameAsync(userName, cancellationToken);
        if (user is { ExternalIssuer: not null })
        {
            return PasswordReset.SignsInElsewhere;
        }

        if (user is null || !await users.SetPasswordAsync(user.UserName, password, cancellationToken))
        {
            return PasswordReset.NoSuchUser;
        }

        var revoked = await RevokeEverythingAsync(user, "password reset");
        LogPasswordReset(logger, LogText.Safe(user.UserName), revoked, LogText.Safe(administrator));
        return PasswordReset.Done;
    }

    // Not cancellable: an administrator who closes the tab must not leave half of a user's tokens valid. Grants
    // first (each revokes its own tokens), then any token of the user's left outside a grant, then the Jenkins link.
    private async Task<long> RevokeEverythingAsync(AppUser user, string reason)
    {
        var revoked = await authorizations.RevokeBySubjectAsync(user.Id, CancellationToken.None)
            + await tokens.RevokeBySubjectAsync(user.Id, CancellationToken.None);
        await jenkinsIdentities.UnlinkAsync(user.Id, reason, CancellationToken.None);
        return revoked;
    }

    [LoggerMessage(LogLevel.Information, "User {UserName} created in groups [{Groups}] by {Administrator}.")]
    private static partial void LogCreated(ILogger logger, string userName, string groups, string administrator);

    [LoggerMessage(LogLevel.Information, "User {UserName} now in groups [{Groups}], set by {Administrator}.")]
    private static partial void LogGroupsSet(ILogger logger, string userName, string groups, string administrator);

    [LoggerMessage(LogLevel.Warning, "User {UserName} disabled by {Administrator}; {Revoked} grants and tokens revoked.")]
    private static partial void LogDisabled(ILogger logger, string userName, long revoked, string administrator);

    [LoggerMessage(LogLevel.Information, "User {UserName} enabled by {Administrator}.")]
    private static partial void LogEnabled(ILogger logger, string userName, string administrator);

    [LoggerMessage(LogLevel.Warning, "Password of user {UserName} reset by {Administrator}; sessions ended, {Revoked} grants and tokens revoked.")]
    private static partial void LogPasswordReset(ILogger logger, string userName, long revoked, string administrator);
}

/// <summary>What <see cref="UserAdministration.ResetPasswordAsync"/> did.</summary>
public enum PasswordReset
{
    Done,
    NoSuchUser,
    SignsInElsewhere,
}
