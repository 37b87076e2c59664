namespace McpAspire.AccessPolicy;

/// <summary>One rule of the policy: <see cref="Who"/> may do <see cref="Actions"/> on the items <see cref="Items"/> covers.</summary>
public sealed record AccessRule
{
    public AccessRule(Subject who, ItemPattern items, IEnumerable<JenkinsAction> actions)
    {
        ArgumentNullException.ThrowIfNull(who);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(actions);
        Who = who;
        Items = items;
        // Kept in the canonical order and without repeats, so two rules that mean the same compare and print the same.
        Actions = [.. JenkinsActions.All.Where(actions.Contains)];
        if (Actions.Count == 0)
        {
            throw new ArgumentException("A rule allows at least one action.", nameof(actions));
        }
    }

    public Subject Who { get; }

    public ItemPattern Items { get; }

    public IReadOnlyList<JenkinsAction> Actions { get; }

    public bool Allows(JenkinsAction action) => Actions.Contains(action);

    /// <summary>"group:team-a → team-a/** → read, build": how the admin page and the audit show a rule.</summary>
    public override string ToString() => $"{Who} → {Items} → {string.Join(", ", Actions.Select(a => a.Name()))}";

    public bool Equals(AccessRule? other)
        => other is not null && Who.Equals(other.Who) && Items.Equals(other.Items) && Actions.SequenceEqual(other.Actions);

    public override int GetHashCode() => HashCode.Combine(Who, Items, Actions.Count);
}
