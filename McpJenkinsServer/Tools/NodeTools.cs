using McpAspire.McpJenkinsServer.Model.Jenkins;

namespace McpAspire.McpJenkinsServer.Tools;

/// <summary>
/// Nodes (the built-in node and agents) and their executors. Open to every caller, as Overall/Read opens them in Jenkins;
/// a build of a job the caller may not read is left out, as Jenkins' <c>Executor.getCurrentExecutableForApi</c> does.
/// </summary>
[McpServerToolType]
public sealed class NodeTools(JenkinsClient jenkins, JenkinsAccess? access = null)
{
    private readonly JenkinsAccess _access = access ?? JenkinsAccess.Unrestricted;

    [McpServerTool(Name = "list_nodes", Title = "List nodes and executors", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false, UseStructuredContent = true)]
    [Description("Lists Jenkins nodes with their executors: online or offline (and why), idle or busy, labels, and the builds running on them.")]
    public async Task<NodeList> ListNodes(CancellationToken cancellationToken = default)
    {
        var set = await jenkins.GetComputersAsync(
            "busyExecutors,totalExecutors,computer[displayName,numExecutors,offline,temporarilyOffline,idle,offlineCauseReason,assignedLabels[name]," +
            "executors[idle,number,progress,currentExecutable[_class,url,number,fullDisplayName]],oneOffExecutors[currentExecutable[_class,url,number,fullDisplayName]]]",
            cancellationToken);
        return new NodeList(set.BusyExecutors ?? 0, set.TotalExecutors ?? 0, [.. (set.Computer ?? []).Select(HideUnreadable).Select(JenkinsMapper.ToNode)]);
    }

    /// <summary>
    /// Jenkins has no list of running builds; its own "build executor status" reads every node's executors, so this
    /// does too: regular executors (freestyle builds, Pipeline node blocks) and one-off executors (Pipeline runs).
    /// </summary>
    [McpServerTool(Name = "list_running_builds", Title = "List running builds", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false, UseStructuredContent = true)]
    [Description("Lists every build running on the controller, across all jobs and nodes: job, number, start, progress against the estimate, and the nodes it holds. A Pipeline without an agent is between node blocks or waiting for one (see get_queue).")]
    public async Task<RunningBuildList> ListRunningBuilds(CancellationToken cancellationToken = default)
    {
        var set = await jenkins.GetComputersAsync(
            "computer[displayName,executors[progress,currentExecutable[_class,url,number,timestamp]],oneOffExecutors[progress,currentExecutable[_class,url,number,timestamp]]]",
            cancellationToken);
        var held = (set.Computer ?? []).Select(HideUnreadable).SelectMany(computer =>
                (computer.Executors ?? []).Select(executor => (Computer: computer.DisplayName ?? "", Executor: executor, OneOff: false))
                .Concat((computer.OneOffExecutors ?? []).Select(executor => (Computer: computer.DisplayName ?? "", Executor: executor, OneOff: true))))
            .Where(slot => slot.Executor.CurrentExecutable?.Url is { Length: > 0 })
            .ToList();
        var builds = held
            .GroupBy(slot => slot.Executor.CurrentExecutable!.Url!, StringComparer.Ordinal)
            .Select(run =>
            {
                var executable = run.First().Executor.CurrentExecutable!;
                var agents = run.Where(slot => !slot.OneOff).Select(slot => slot.Computer).Distinct().ToList();
                return new RunningBuild(
                    JenkinsPaths.FullNameFromUrl(executable.Url),
                    executable.Number,
                    executable.Url,
                    JenkinsMapper.ToTime(executable.Timestamp),
                    run.Max(slot => slot.Executor.Progress ?? -1),
                    agents,
                    agents.Count == 0);
            })
            .OrderBy(build => build.StartedAt)
            .ToList();
        return new RunningBuildList(builds);
    }

    /// <summary>The node with the builds of jobs the caller may not read taken off its executors (the executors stay busy).</summary>
    private ComputerDto HideUnreadable(ComputerDto computer)
    {
        if (_access.ReadsEverything)
        {
            return computer;
        }

        return computer with
        {
            Executors = computer.Executors?.Select(HideUnreadable).ToList(),
            OneOffExecutors = computer.OneOffExecutors?.Select(HideUnreadable).ToList(),
        };
    }

    private ExecutorDto HideUnreadable(ExecutorDto executor)
    {
        if (executor.CurrentExecutable is not { } executable || _access.CanRead(JenkinsPaths.FullNameFromUrl(executable.Url)))
        {
            return executor;
        }

        _access.Hid(1);
        return executor with { CurrentExecutable = null };
    }
}
