namespace McpAspire.AuthServer.Persistence.Users;

/// <summary>
/// Who signed in at an upstream identity provider: identified by (<paramref name="Issuer"/>,
/// <paramref name="Subject"/>) only, never by e-mail (an address can change hands or be unverified).
/// <paramref name="PreferredUserName"/> is display only; <paramref name="Groups"/> are what the provider says today.
/// </summary>
public sealed record ExternalLogin(string Issuer, string Subject, string PreferredUserName, IReadOnlyList<string> Groups)
{
    /// <summary>OpenID Connect Core 1.0 §2: a subject identifier is at most 255 ASCII characters.</summary>
    public const int MaxSubjectLength = 255;

    public const int MaxIssuerLength = 1024;
}

/// <summary>Users who sign in at an upstream identity provider, each linked to a local user record once.</summary>
public interface IExternalUserStore
{
    /// <summary>
    /// The local user linked to <paramref name="login"/>: created at the first sign-in (a generated id, the token
    /// subject, and a unique user name derived from <see cref="ExternalLogin.PreferredUserName"/>); at every sign-in
    /// its groups are replaced by the provider's. Two first sign-ins at once create one user. The user may be
    /// disabled: the caller refuses it.
    /// </summary>
    Task<AppUser> SignInAsync(ExternalLogin login, CancellationToken cancellationToken);

    /// <summary>The local user linked to (<paramref name="issuer"/>, <paramref name="subject"/>), or null.</summary>
    Task<AppUser?> FindAsync(string issuer, string subject, CancellationToken cancellationToken);
}
