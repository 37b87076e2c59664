namespace McpAspire.AccessPolicy;

/// <summary>
/// The policy applied to one caller: which actions they may do on which items. Built once per tool call from the policy
/// read for that call; only the rules for this caller are kept, so a decision never looks at (or reveals) anyone else's.
/// </summary>
public sealed class AccessDecider
{
    private readonly (int Number, AccessRule Rule)[] _rules;

    public AccessDecider(AccessPolicyDocument policy, AccessCaller caller)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(caller);
        Policy = policy;
        Caller = caller;
        _rules = [.. policy.Rules.Select((rule, index) => (index + 1, rule)).Where(entry => entry.rule.Who.Includes(caller))];
        ReadsEverything = _rules.Any(entry => entry.Rule.Allows(JenkinsAction.Read) && entry.Rule.Items is { Kind: PatternKind.Subtree, Prefix.Count: 0 });
    }

    public AccessPolicyDocument Policy { get; }

    public AccessCaller Caller { get; }

    /// <summary>Some rule for the caller grants read on <c>**</c>: nothing needs filtering.</summary>
    public bool ReadsEverything { get; }

    /// <summary>
    /// Whether the caller may do <paramref name="action"/> on the item <paramref name="fullName"/>, and the first rule
    /// (1-based, in the policy's order) that grants it. An item without a known name (a queue entry Jenkins names no
    /// job for) is covered only by <c>**</c>.
    /// </summary>
    public AccessDecision Decide(JenkinsAction action, string? fullName)
    {
        foreach (var (number, rule) in _rules)
        {
            if (rule.Allows(action) && (fullName is null ? rule.Items is { Kind: PatternKind.Subtree, Prefix.Count: 0 } : rule.Items.Matches(fullName)))
            {
                return new AccessDecision(action, fullName, number, rule);
            }
        }

        return new AccessDecision(action, fullName, null, null);
    }

    public bool CanRead(string? fullName) => Decide(JenkinsAction.Read, fullName).Allowed;

    /// <summary>
    /// Whether the item is shown in lists and may be listed into: the caller may read it, or it is a folder on the way to
    /// items they may read (<c>team-a</c> for a rule on <c>team-a/*</c>). Such a folder's own details stay hidden.
    /// </summary>
    public bool CanSee(string fullName)
        => CanRead(fullName) || _rules.Any(entry => entry.Rule.Allows(JenkinsAction.Read) && entry.Rule.Items.ReachesBelow(fullName));
}

/// <summary>One decision: allowed when <see cref="Rule"/> (number <see cref="RuleNumber"/>, 1-based) grants it.</summary>
public sealed record AccessDecision(JenkinsAction Action, string? Item, int? RuleNumber, AccessRule? Rule)
{
    public bool Allowed => Rule is not null;

    /// <summary>"allow build on 'a/b' (rule 2: group:x → a/** → read, build)" or "deny build on 'a/b' (no rule)": for the audit log.</summary>
    public string Describe() => Allowed
        ? $"allow {Action.Name()} on '{Item ?? "?"}' (rule {RuleNumber}: {Rule})"
        : $"deny {Action.Name()} on '{Item ?? "?"}' (no rule)";
}
