namespace McpAspire.AuthServer.Users;

/// <summary>
/// The one check every issuance and every administration request makes against the store, rather than trusting a
/// session cookie or a stored grant: the user still exists under the same subject and is not disabled.
/// </summary>
public static class ActiveUser
{
    /// <summary>
    /// The user named <paramref name="userName"/> when it still has <paramref name="subject"/> (a user deleted and
    /// re-created under the same name is someone else) and is enabled; null otherwise.
    /// </summary>
    public static async Task<AppUser?> FindActiveAsync(
        this IUserStore users, string? subject, string? userName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(users);
        if (string.IsNullOrEmpty(subject) || string.IsNullOrEmpty(userName))
        {
            return null;
        }

        var user = await users.FindByNameAsync(userName, cancellationToken);
        return user is { IsDisabled: false } && string.Equals(user.Id, subject, StringComparison.Ordinal) ? user : null;
    }
}
