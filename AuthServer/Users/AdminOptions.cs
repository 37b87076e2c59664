namespace McpAspire.AuthServer.Users;

/// <summary>The administrator account (configuration section <c>Admin</c>).</summary>
public sealed class AdminOptions
{
    public const string SectionName = "Admin";

    public const string DefaultUserName = "admin";

    public const string DefaultGroup = "admins";

    /// <summary>The user name of the administrator; blank means <see cref="DefaultUserName"/>.</summary>
    public string UserName { get; set; } = DefaultUserName;

    /// <summary>
    /// The administrator's password, a secret (the AppHost's <c>admin-password</c> parameter): the admin user is
    /// created with it when missing; an existing admin's password is left alone.
    /// </summary>
    public string? Password { get; set; }

    /// <summary>
    /// The group whose members may use the administration pages; the administrator account is put in it at
    /// start-up. Blank means <see cref="DefaultGroup"/>.
    /// </summary>
    public string Group { get; set; } = DefaultGroup;

    /// <summary><see cref="UserName"/> as it is created and compared: trimmed, the default when blank.</summary>
    public string EffectiveUserName => string.IsNullOrWhiteSpace(UserName) ? DefaultUserName : UserName.Trim();

    /// <summary><see cref="Group"/> as it is compared: trimmed, the default when blank.</summary>
    public string EffectiveGroup => string.IsNullOrWhiteSpace(Group) ? DefaultGroup : Group.Trim();
}
