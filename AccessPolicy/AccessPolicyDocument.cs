namespace McpAspire.AccessPolicy;

/// <summary>
/// The whole Jenkins access policy: rules in order, and the version it was stored under. A caller may do an action on
/// an item when some rule for them grants it; nothing else is allowed (deny by default). Rules only grant, so their
/// order changes no decision: it decides which rule is named as the reason (the first that grants), and it is the
/// order the administrator reads them in.
/// </summary>
public sealed record AccessPolicyDocument
{
    public const int MaxRules = 500;

    public AccessPolicyDocument(long version, IEnumerable<AccessRule> rules, bool isStored = true)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentOutOfRangeException.ThrowIfNegative(version);
        Version = version;
        Rules = [.. rules];
        IsStored = isStored;
        if (Rules.Count > MaxRules)
        {
            throw new ArgumentException($"A policy holds at most {MaxRules} rules.", nameof(rules));
        }
    }

    /// <summary>
    /// What applies while no policy was ever stored: everyone may do everything on every item, which is what the MCP
    /// server allowed before policies existed (a fresh install keeps working). Version 0: the first save must expect it.
    /// </summary>
    public static AccessPolicyDocument Default { get; } =
        new(0, [new AccessRule(Subject.Everyone, ItemPattern.Parse("**"), JenkinsActions.All)], isStored: false);

    /// <summary>Incremented by every save; a save names the version it replaces (optimistic concurrency).</summary>
    public long Version { get; }

    public IReadOnlyList<AccessRule> Rules { get; }

    /// <summary>False for <see cref="Default"/>: nothing is stored yet.</summary>
    public bool IsStored { get; }

    public bool Equals(AccessPolicyDocument? other)
        => other is not null && Version == other.Version && IsStored == other.IsStored && Rules.SequenceEqual(other.Rules);

    public override int GetHashCode() => HashCode.Combine(Version, IsStored, Rules.Count);
}
