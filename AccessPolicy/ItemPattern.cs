namespace McpAspire.AccessPolicy;

/// <summary>
/// Which Jenkins items a rule covers, written over full names as Jenkins' API reports them (<c>fullName</c>: folders
/// joined by <c>/</c>, multibranch branches URL-encoded as in <c>shop/feature%2Fcheckout</c>). Compared ordinally, case
/// included, as Jenkins compares item names. Forms:
/// <list type="bullet">
/// <item><c>**</c>: every item.</item>
/// <item><c>*</c>: every top-level item (not what folders hold).</item>
/// <item><c>team-a/**</c>: the item <c>team-a</c> and everything under it, at any depth; never <c>team-ab</c> or
/// <c>team-ab/x</c> (segments are compared whole).</item>
/// <item><c>team-a/*</c>: the items directly in <c>team-a</c>, not <c>team-a</c> itself nor deeper items.</item>
/// <item><c>team-a/app</c>: exactly that item.</item>
/// </list>
/// A wildcard is only ever a whole last segment; anything else (<c>team-*</c>, <c>*/app</c>, empty segments, a leading or
/// trailing <c>/</c>) is a syntax error, so an administrator never writes a pattern that silently matches nothing.
/// </summary>
public sealed class ItemPattern : IEquatable<ItemPattern>
{
    public const int MaxLength = 1000;

    private readonly string[] _prefix;

    private ItemPattern(string text, string[] prefix, PatternKind kind)
    {
        Text = text;
        _prefix = prefix;
        Kind = kind;
    }

    /// <summary>The pattern as written.</summary>
    public string Text { get; }

    public PatternKind Kind { get; }

    /// <summary>The literal segments before the wildcard (all of them for an exact name).</summary>
    public IReadOnlyList<string> Prefix => _prefix;

    /// <summary>Parses a pattern, or says in a sentence what is wrong with it.</summary>
    public static bool TryParse(string? text, out ItemPattern? pattern, out string? error)
    {
        pattern = null;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "The item pattern is empty: write a full name such as 'team-a/app', 'team-a/*' or 'team-a/**'.";
            return false;
        }

        if (text.Length > MaxLength || text.Any(char.IsControl) || text != text.Trim())
        {
            error = $"The item pattern '{Shown(text)}' has spaces around it, control characters or more than {MaxLength} characters.";
            return false;
        }

        var segments = text.Split('/');
        var kind = segments[^1] switch
        {
            "**" => PatternKind.Subtree,
            "*" => PatternKind.Children,
            _ => PatternKind.Exact,
        };
        var literal = kind == PatternKind.Exact ? segments : segments[..^1];
        foreach (var segment in literal)
        {
            if (segment.Length == 0)
            {
                error = $"The item pattern '{Shown(text)}' has an empty segment: no leading, trailing or double '/'.";
                return false;
            }

            if (segment.Contains('*', StringComparison.Ordinal))
            {
                error = $"The item pattern '{Shown(text)}' uses '*' inside a name: '*' and '**' may only be the whole last segment ('team-a/*', 'team-a/**').";
                return false;
            }

            if (segment is "." or "..")
            {
                error = $"The item pattern '{Shown(text)}' has a '{segment}' segment, which no Jenkins item has.";
                return false;
            }
        }

        pattern = new ItemPattern(text, literal, kind);
        return true;
    }

    public static ItemPattern Parse(string text)
        => TryParse(text, out var pattern, out var error) ? pattern! : throw new FormatException(error);

    /// <summary>Whether the item named <paramref name="fullName"/> (a Jenkins full name) is covered.</summary>
    public bool Matches(string fullName)
    {
        ArgumentNullException.ThrowIfNull(fullName);
        var segments = fullName.Split('/');
        return Kind switch
        {
            PatternKind.Exact => StartsWith(segments, _prefix) && segments.Length == _prefix.Length,
            PatternKind.Children => StartsWith(segments, _prefix) && segments.Length == _prefix.Length + 1,
            PatternKind.Subtree => StartsWith(segments, _prefix) && segments.Length >= Math.Max(1, _prefix.Length),
            _ => false,
        };
    }

    /// <summary>
    /// Whether <paramref name="folder"/> holds, at some depth, an item this pattern covers: such a folder must be shown
    /// and listable so the items can be reached, even where the pattern does not cover the folder itself
    /// (<c>team-a</c> for <c>team-a/*</c>, <c>team-a</c> and <c>team-a/apps</c> for <c>team-a/apps/web</c>).
    /// </summary>
    public bool ReachesBelow(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var segments = folder.Split('/');
        if (Kind == PatternKind.Subtree && _prefix.Length == 0)
        {
            return true;
        }

        if (!StartsWith(_prefix, segments))
        {
            return Kind == PatternKind.Subtree && StartsWith(segments, _prefix);
        }

        // The folder is a proper prefix of the literal part, or is the literal part of a wildcard pattern.
        return _prefix.Length > segments.Length || Kind != PatternKind.Exact;
    }

    private static bool StartsWith(string[] segments, string[] prefix)
    {
        if (segments.Length < prefix.Length)
        {
            return false;
        }

        for (var i = 0; i < prefix.Length; i++)
        {
            if (!string.Equals(segments[i], prefix[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private static string Shown(string text) => text.Length > 80 ? text[..80] + "…" : text;

    public bool Equals(ItemPattern? other) => other is not null && string.Equals(Text, other.Text, StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as ItemPattern);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Text);

    public override string ToString() => Text;
}

public enum PatternKind
{
    /// <summary>Exactly one item.</summary>
    Exact,

    /// <summary><c>prefix/*</c>: the items directly in a folder (at the root for <c>*</c>).</summary>
    Children,

    /// <summary><c>prefix/**</c>: an item and everything under it (everything for <c>**</c>).</summary>
    Subtree,
}
