namespace McpAspire.AuthServer.Persistence.Users;

/// <summary>A user who can sign in to the auth server. The password hash never leaves the store.</summary>
public sealed record AppUser(string Id, string UserName, DateTimeOffset CreatedAt)
{
    /// <summary>The groups the user belongs to (exact, case-sensitive names), sorted; what access policies name.</summary>
    public IReadOnlyList<string> Groups { get; init; } = [];

    /// <summary>A disabled user cannot sign in, and no code or token is issued or refreshed for them.</summary>
    public bool IsDisabled { get; init; }

    /// <summary>
    /// Changes when the password is reset or the user is disabled; a session cookie carrying another stamp is
    /// refused, so those changes end every session at once. Null for users written before stamps existed.
    /// </summary>
    public string? SessionStamp { get; init; }

    public bool IsMemberOf(string group) => Groups.Contains(group, StringComparer.Ordinal);
}

/// <summary>The auth server's users, with passwords hashed by ASP.NET Core's <c>PasswordHasher</c>.</summary>
public interface IUserStore
{
    Task<AppUser?> FindByNameAsync(string userName, CancellationToken cancellationToken);

    /// <summary>
    /// The user when the password is right, null otherwise. An unknown user name costs a hash verification
    /// too, so the answer time does not reveal which user names exist.
    /// </summary>
    Task<AppUser?> ValidateCredentialsAsync(string userName, string password, CancellationToken cancellationToken);

    /// <summary>Creates a user; <see cref="UserAlreadyExistsException"/> when the name is taken.</summary>
    Task<AppUser> CreateAsync(string userName, string password, CancellationToken cancellationToken);

    /// <summary>Creates the user if missing (seeding); an existing user, and its password, are left alone.</summary>
    Task EnsureUserAsync(string userName, string password, CancellationToken cancellationToken);

    /// <summary>Adds the user to <paramref name="group"/> (idempotent); false when no such user exists.</summary>
    Task<bool> AddToGroupAsync(string userName, string group, CancellationToken cancellationToken);

    /// <summary>A page of users in no particular order, and the token of the next page (null after the last).</summary>
    Task<UserPage> ListAsync(int pageSize, string? pageToken, CancellationToken cancellationToken);

    /// <summary>Replaces the user's groups; false when no such user exists.</summary>
    Task<bool> SetGroupsAsync(string userName, IReadOnlyCollection<string> groups, CancellationToken cancellationToken);

    /// <summary>Disables or enables the user and renews the session stamp; false when no such user exists.</summary>
    Task<bool> SetDisabledAsync(string userName, bool disabled, CancellationToken cancellationToken);

    /// <summary>Replaces the password (hashed) and renews the session stamp; false when no such user exists.</summary>
    Task<bool> SetPasswordAsync(string userName, string password, CancellationToken cancellationToken);
}

/// <summary>One page of <see cref="IUserStore.ListAsync"/>.</summary>
public sealed record UserPage(IReadOnlyList<AppUser> Users, string? NextPageToken);

/// <summary>A page token that this store did not hand out.</summary>
public sealed class InvalidPageTokenException() : Exception("The page token is not valid.")
{
}

/// <summary>A user with that name exists already (names compare case-insensitively).</summary>
public sealed class UserAlreadyExistsException(string userName)
    : Exception($"A user named '{userName}' already exists.")
{
    public string UserName { get; } = userName;
}
