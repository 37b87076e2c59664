namespace McpAspire.AuthServer.Users;

/// <summary>The user a token is issued for: a stable subject, the name people sign in with, and their groups.</summary>
public sealed record SignedInUser(string Subject, string UserName, IReadOnlyList<string> Groups)
{
    public static SignedInUser From(AppUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return new(user.Id, user.UserName, user.Groups);
    }
}
