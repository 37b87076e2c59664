namespace McpAspire.AccessPolicy;

/// <summary>
/// Whom a rule is for: everyone (<c>*</c>), the members of a group (<c>group:NAME</c>) or one user (<c>user:NAME</c>).
/// The kind is written out so a group and a user of the same name are never confused. Group names compare exactly
/// (case-sensitive), as the auth server stores them and as identity providers send them; user names compare ignoring
/// case, as the auth server's user store does.
/// </summary>
public sealed record Subject
{
    public const int MaxNameLength = 256;
    public const string EveryoneText = "*";
    public const string GroupPrefix = "group:";
    public const string UserPrefix = "user:";

    private Subject(SubjectKind kind, string name)
    {
        Kind = kind;
        Name = name;
    }

    public static Subject Everyone { get; } = new(SubjectKind.Everyone, "");

    public SubjectKind Kind { get; }

    /// <summary>The group or user name; empty for everyone.</summary>
    public string Name { get; }

    public static Subject Group(string name) => Parse(GroupPrefix + name);

    public static Subject User(string name) => Parse(UserPrefix + name);

    public static bool TryParse(string? text, out Subject? subject, out string? error)
    {
        subject = null;
        error = null;
        if (text == EveryoneText)
        {
            subject = Everyone;
            return true;
        }

        var (kind, prefix) = text switch
        {
            not null when text.StartsWith(GroupPrefix, StringComparison.Ordinal) => (SubjectKind.Group, GroupPrefix),
            not null when text.StartsWith(UserPrefix, StringComparison.Ordinal) => (SubjectKind.User, UserPrefix),
            _ => (SubjectKind.Everyone, ""),
        };
        if (prefix.Length == 0)
        {
            error = $"'{Shown(text)}' names nobody: write '*' (everyone), 'group:NAME' or 'user:NAME'.";
            return false;
        }

        var name = text![prefix.Length..];
        if (name.Length == 0 || name.Length > MaxNameLength || name != name.Trim() || name.Any(char.IsControl))
        {
            error = $"'{Shown(text)}' needs a {(kind == SubjectKind.Group ? "group" : "user")} name of 1 to {MaxNameLength} characters, without spaces around it or control characters.";
            return false;
        }

        subject = new Subject(kind, name);
        return true;
    }

    public static Subject Parse(string text)
        => TryParse(text, out var subject, out var error) ? subject! : throw new FormatException(error);

    /// <summary>Whether the rule is for <paramref name="caller"/>.</summary>
    public bool Includes(AccessCaller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return Kind switch
        {
            SubjectKind.Everyone => true,
            SubjectKind.Group => caller.Groups.Contains(Name, StringComparer.Ordinal),
            SubjectKind.User => caller.UserName is not null && string.Equals(caller.UserName, Name, StringComparison.OrdinalIgnoreCase),
            _ => false,
        };
    }

    /// <summary><c>*</c>, <c>group:NAME</c> or <c>user:NAME</c>: the form <see cref="Parse"/> reads.</summary>
    public override string ToString() => Kind switch
    {
        SubjectKind.Group => GroupPrefix + Name,
        SubjectKind.User => UserPrefix + Name,
        _ => EveryoneText,
    };

    private static string Shown(string? text) => text is null ? "" : text.Length > 80 ? text[..80] + "…" : text;
}

public enum SubjectKind
{
    Everyone,
    Group,
    User,
}

/// <summary>
/// Who is calling, as the access token says: the user's name (absent for a machine client) and their groups (from
/// the token's <c>groups</c> claim, as the auth server had them when it issued the token).
/// </summary>
public sealed record AccessCaller(string? UserName, IReadOnlyList<string> Groups)
{
    public static AccessCaller Anonymous { get; } = new(null, []);
}
