namespace McpAspire.McpJenkinsServer.Authorization;

/// <summary>What a tool touches, and so where its access is checked.</summary>
public enum ToolTarget
{
    /// <summary>Nothing in Jenkins' items (who_am_i).</summary>
    None,

    /// <summary>
    /// The job named by the <c>job</c> argument: read is checked before every request about it (<see cref="JenkinsAccess"/>
    /// in <see cref="Services.JenkinsClient"/>), any other action by <see cref="EnforceAccessPolicy"/> before the tool runs.
    /// </summary>
    Job,

    /// <summary>The job of the queue item named by <c>id</c>, known once the item is read: checked by the tool.</summary>
    QueueItem,

    /// <summary>
    /// A view over many items (jobs, the queue, nodes, running builds, status counts): open to every caller with the
    /// tool's scope, as Overall/Read opens them in Jenkins, with every item the caller may not read left out.
    /// </summary>
    Listing,
}

/// <summary>The action a tool needs and what it needs it on.</summary>
public sealed record ToolAccess(JenkinsAction? Action, ToolTarget Target);

/// <summary>
/// The action every tool needs (docs/mcp-server.md, "Access policy"). A tool missing here is refused at every call, and
/// <c>ToolAccessMapTests</c> fails for it: adding a tool means deciding what it needs.
/// </summary>
public static class ToolAccessMap
{
    private static readonly ToolAccess ReadJob = new(JenkinsAction.Read, ToolTarget.Job);

    public static IReadOnlyDictionary<string, ToolAccess> Tools { get; } = new Dictionary<string, ToolAccess>(StringComparer.Ordinal)
    {
        ["list_jobs"] = new(JenkinsAction.Read, ToolTarget.Listing),
        ["get_job"] = ReadJob,
        ["list_builds"] = ReadJob,
        ["get_build"] = ReadJob,
        ["get_build_log"] = ReadJob,
        ["search_build_log"] = ReadJob,
        ["get_test_report"] = ReadJob,
        ["get_pipeline_stages"] = ReadJob,
        ["get_stage_log"] = ReadJob,
        ["list_artifacts"] = ReadJob,
        ["read_artifact"] = ReadJob,
        ["get_queue"] = new(JenkinsAction.Read, ToolTarget.Listing),
        ["get_queue_item"] = new(JenkinsAction.Read, ToolTarget.QueueItem),
        ["list_nodes"] = new(JenkinsAction.Read, ToolTarget.Listing),
        ["list_running_builds"] = new(JenkinsAction.Read, ToolTarget.Listing),
        ["get_jenkins_status"] = new(JenkinsAction.Read, ToolTarget.Listing),
        ["who_am_i"] = new(null, ToolTarget.None),
        ["trigger_build"] = new(JenkinsAction.Build, ToolTarget.Job),
        ["rebuild"] = new(JenkinsAction.Build, ToolTarget.Job),
        // A description is part of the build's record (Run/Update in Jenkins); whoever may build may annotate.
        ["set_build_description"] = new(JenkinsAction.Build, ToolTarget.Job),
        ["replay_pipeline"] = new(JenkinsAction.Replay, ToolTarget.Job),
        ["stop_build"] = new(JenkinsAction.Cancel, ToolTarget.Job),
        ["cancel_queue_item"] = new(JenkinsAction.Cancel, ToolTarget.QueueItem),
    };

    public static ToolAccess? For(string toolName) => Tools.GetValueOrDefault(toolName);
}
