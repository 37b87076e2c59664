using static McpAspire.McpJenkinsServer.Tools.ToolArguments;

namespace McpAspire.McpJenkinsServer.Tools;

/// <summary>Starting and stopping builds. Every tool here needs the mcp:write scope.</summary>
[McpServerToolType]
public sealed class BuildControlTools(JenkinsClient jenkins, BuildLauncher launcher, IHttpContextAccessor? httpContext = null)
{
    /// <summary>The signed-in user and client, from the token's introspected claims on this request.</summary>
    private BuildRequester Requester => BuildRequester.From(httpContext?.HttpContext?.User);

    private const string WaitDescription = "Wait until Jenkins starts the build and gives it a number (progress is reported while waiting).";
    private const string WaitSecondsDescription = "Longest wait for the build to start, 1-300 seconds.";

    /// <summary>
    /// How long the launcher waits for the build to start: not at all unless the caller asked. wait_seconds is checked
    /// either way, before anything is queued, so a bad value is an invalid-params error and not a silent default.
    /// </summary>
    private static TimeSpan? StartWait(bool waitForStart, int waitSeconds)
    {
        InRange(waitSeconds, 1, 300, "wait_seconds");
        return waitForStart ? TimeSpan.FromSeconds(waitSeconds) : null;
    }

    // Destructive: a build can be a deployment or a release, so clients that auto-approve non-destructive tools ask first.
    [McpServerTool(Name = "trigger_build", Title = "Trigger a build", ReadOnly = false, Destructive = true, Idempotent = false, OpenWorld = false, UseStructuredContent = true)]
    [Description("Queues a build of a job, with parameters for parameterized jobs (parameters not given take their defaults; see get_job for names and choices). Builds may deploy or release: confirm with the user first. The build's description names who asked. Returns the queue item; with wait_for_start it waits until the build has started (for a Pipeline, until it also has an agent).")]
    public Task<TriggeredBuild> TriggerBuild(
        [Description(JobDescription)] string job,
        [Description("Build parameters by name, values as text, e.g. {\"BRANCH\": \"main\", \"DRY_RUN\": \"true\"}. Omit for jobs without parameters.")] Dictionary<string, string?>? parameters = null,
        [Description(WaitDescription)] bool wait_for_start = false,
        [Description(WaitSecondsDescription)] int wait_seconds = 60,
        IProgress<ProgressNotificationValue>? progress = null,
        CancellationToken cancellationToken = default)
    {
        return launcher.LaunchAsync(JobName(job), parameters ?? [], StartWait(wait_for_start, wait_seconds), progress, Requester, cancellationToken);
    }

    [McpServerTool(Name = "rebuild", Title = "Rebuild with the same parameters", ReadOnly = false, Destructive = true, Idempotent = false, OpenWorld = false, UseStructuredContent = true)]
    [Description("Queues a new build of a job with the same parameters as an earlier build (e.g. to retry a failure). Builds may deploy or release: confirm with the user first. Returns the queue item; with wait_for_start it waits until the build has started.")]
    public async Task<TriggeredBuild> Rebuild(
        [Description(JobDescription)] string job,
        [Description(BuildDescription)] string build = "lastBuild",
        [Description(WaitDescription)] bool wait_for_start = false,
        [Description(WaitSecondsDescription)] int wait_seconds = 60,
        IProgress<ProgressNotificationValue>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var fullName = JobName(job);
        var startWait = StartWait(wait_for_start, wait_seconds);
        var earlier = await jenkins.GetBuildAsync(fullName, Required(build, nameof(build)), "number,actions[_class,parameters[name,value]]", cancellationToken);
        var triggered = await launcher.LaunchAsync(fullName, JenkinsMapper.BuildParameters(earlier), startWait, progress, Requester, cancellationToken);
        return triggered with { Message = $"Rebuild of #{earlier.Number}: {triggered.Message}" };
    }

    [McpServerTool(Name = "stop_build", Title = "Stop a running build", ReadOnly = false, Destructive = true, Idempotent = true, OpenWorld = false, UseStructuredContent = true)]
    [Description("Aborts a running build (its result becomes ABORTED). Stopping a build that already finished changes nothing.")]
    public async Task<StopBuildResult> StopBuild(
        [Description(JobDescription)] string job,
        [Description("The build number to stop.")] int build,
        CancellationToken cancellationToken = default)
    {
        var fullName = JobName(job);
        InRange(build, 1, int.MaxValue, nameof(build));
        var before = await jenkins.GetBuildAsync(fullName, build.ToString(System.Globalization.CultureInfo.InvariantCulture), "number,building,result", cancellationToken);
        if (before.Building != true)
        {
            return new StopBuildResult(fullName, build, false, $"Build #{build} was not running (result {before.Result ?? "unknown"}); nothing to stop.");
        }

        await jenkins.StopAsync(fullName, build, cancellationToken);
        return new StopBuildResult(fullName, build, true, $"Jenkins was asked to abort build #{build}; its result becomes ABORTED once it has stopped (see get_build).");
    }

    [McpServerTool(Name = "set_build_description", Title = "Set a build's description", ReadOnly = false, Destructive = true, Idempotent = true, OpenWorld = false, UseStructuredContent = true)]
    [Description("Replaces a build's description (shown in the build history), e.g. to note why it failed or what it released. The previous description is overwritten.")]
    public async Task<BuildChange> SetBuildDescription(
        [Description(JobDescription)] string job,
        [Description("The build number.")] int build,
        [Description("The new description (plain text, at most 4000 characters; empty clears it).")] string description,
        CancellationToken cancellationToken = default)
    {
        var fullName = JobName(job);
        InRange(build, 1, int.MaxValue, nameof(build));
        InRange((description ?? "").Length, 0, 4000, "description length");
        await jenkins.SetDescriptionAsync(fullName, build, description ?? "", cancellationToken);
        return new BuildChange(fullName, build, $"The description of build #{build} was set.");
    }

    [McpServerTool(Name = "replay_pipeline", Title = "Replay a Pipeline build", ReadOnly = false, Destructive = true, Idempotent = false, OpenWorld = false, UseStructuredContent = true)]
    [Description("Runs a Pipeline build again with its original Pipeline script and parameters (Jenkins' Replay), e.g. after an agent failure, even if the Jenkinsfile has changed since. Builds may deploy or release: confirm with the user first. Pipeline jobs only.")]
    public async Task<BuildChange> ReplayPipeline(
        [Description(JobDescription)] string job,
        [Description(BuildDescription)] string build = "lastBuild",
        CancellationToken cancellationToken = default)
    {
        var fullName = JobName(job);
        var original = await jenkins.GetBuildAsync(fullName, Required(build, nameof(build)), "_class,number", cancellationToken);
        if (original.Class?.EndsWith("WorkflowRun", StringComparison.Ordinal) != true)
        {
            throw new JenkinsException(JenkinsError.Rejected, $"Build #{original.Number} of '{fullName}' is not a Pipeline build; only Pipeline builds can be replayed (use rebuild).");
        }

        await jenkins.ReplayAsync(fullName, original.Number, cancellationToken);
        return new BuildChange(fullName, original.Number,
            $"Jenkins queued a replay of #{original.Number} with its original script (requested by {Requester.Describe()}); the new build appears in list_builds and get_queue.");
    }
}
