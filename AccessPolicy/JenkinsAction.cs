namespace McpAspire.AccessPolicy;

/// <summary>
/// What a rule can allow on Jenkins items, in the words of Jenkins' matrix: <see cref="Read"/> (Job/Read: see the item,
/// its builds, logs, reports and artifacts), <see cref="Build"/> (Job/Build, and Run/Update for a build's description),
/// <see cref="Cancel"/> (Job/Cancel: stop a build, cancel a queue item), <see cref="Replay"/> (Run/Replay).
/// </summary>
public enum JenkinsAction
{
    Read,
    Build,
    Cancel,
    Replay,
}

public static class JenkinsActions
{
    /// <summary>Every action, in the order the policy's JSON and the admin page list them.</summary>
    public static IReadOnlyList<JenkinsAction> All { get; } = [JenkinsAction.Read, JenkinsAction.Build, JenkinsAction.Cancel, JenkinsAction.Replay];

    /// <summary>The action's name in the policy document and in messages: <c>read</c>, <c>build</c>, <c>cancel</c>, <c>replay</c>.</summary>
    public static string Name(this JenkinsAction action) => action switch
    {
        JenkinsAction.Read => "read",
        JenkinsAction.Build => "build",
        JenkinsAction.Cancel => "cancel",
        JenkinsAction.Replay => "replay",
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, null),
    };

    /// <summary>Parses an action name exactly as <see cref="Name"/> writes it (lower case, nothing else).</summary>
    public static bool TryParse(string? name, out JenkinsAction action)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(candidate.Name(), name, StringComparison.Ordinal))
            {
                action = candidate;
                return true;
            }
        }

        action = default;
        return false;
    }
}
