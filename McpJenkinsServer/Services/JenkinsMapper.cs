using System.Globalization;
using McpAspire.McpJenkinsServer.Model.Jenkins;

namespace McpAspire.McpJenkinsServer.Services;

/// <summary>Turns Jenkins' wire JSON into the tool results models see: plain names, ISO times, no Jenkins class noise.</summary>
internal static class JenkinsMapper
{
    private const string ParametersDefinitionProperty = "hudson.model.ParametersDefinitionProperty";
    private const string ParametersAction = "hudson.model.ParametersAction";
    private const string CauseAction = "hudson.model.CauseAction";

    public static string Kind(string? jenkinsClass) => jenkinsClass switch
    {
        null => "unknown",
        "com.cloudbees.hudson.plugins.folder.Folder" => "folder",
        "hudson.model.FreeStyleProject" => "freestyle",
        "org.jenkinsci.plugins.workflow.job.WorkflowJob" => "pipeline",
        "org.jenkinsci.plugins.workflow.multibranch.WorkflowMultiBranchProject" => "multibranch",
        "jenkins.branch.OrganizationFolder" => "organization-folder",
        "hudson.matrix.MatrixProject" => "matrix",
        _ => jenkinsClass,
    };

    public static bool IsFolder(JobDto job) => job.Jobs is not null || Kind(job.Class) is "folder" or "multibranch" or "organization-folder";

    public static JobSummary ToSummary(JobDto job, string parentFolder) => new(
        job.FullName ?? Combine(parentFolder, job.Name),
        job.Name ?? "",
        Kind(job.Class),
        job.Color,
        job.Description,
        job.Buildable,
        job.LastBuild is { } last ? ToSummary(last) : null,
        job.Url);

    public static BuildSummary ToSummary(BuildDto build) => new(
        build.Number,
        build.Result,
        build.Building ?? false,
        ToTime(build.Timestamp),
        build.Duration,
        build.Url);

    public static JobDetail ToDetail(JobDto job, string fullName) => new(
        job.FullName ?? fullName,
        job.DisplayName ?? job.Name ?? fullName,
        Kind(job.Class),
        job.Description,
        job.Url,
        job.Color,
        job.Buildable ?? false,
        job.Disabled ?? job.Color == "disabled",
        job.InQueue ?? false,
        job.NextBuildNumber,
        [.. (job.HealthReport ?? []).Select(h => new HealthReport(h.Description, h.Score))],
        Parameters(job),
        [.. (job.Builds ?? []).Select(ToSummary)],
        job.LastBuild?.Number,
        job.LastCompletedBuild?.Number,
        job.LastSuccessfulBuild?.Number,
        job.LastFailedBuild?.Number,
        [.. (job.Jobs ?? []).Select(child => child.FullName ?? Combine(fullName, child.Name))]);

    public static IReadOnlyList<JobParameter> Parameters(JobDto job) =>
    [
        .. (job.Property ?? [])
            .Where(p => p.Class == ParametersDefinitionProperty || p.ParameterDefinitions is not null)
            .SelectMany(p => p.ParameterDefinitions ?? [])
            .Where(d => !string.IsNullOrEmpty(d.Name))
            .Select(d => new JobParameter(d.Name!, d.Type, d.Description, Text(d.DefaultParameterValue?.Value), d.Choices)),
    ];

    public static BuildDetail ToDetail(BuildDto build, string job) => new(
        job,
        build.Number,
        build.DisplayName,
        build.Description,
        build.Result,
        build.Building ?? false,
        ToTime(build.Timestamp),
        build.Duration,
        build.EstimatedDuration,
        build.QueueId,
        build.BuiltOn,
        BuildParameters(build),
        [.. Actions(build, CauseAction).SelectMany(a => a.Causes ?? []).Select(Describe)],
        [.. ChangeSets(build).SelectMany(c => c.Items ?? []).Select(i => new Change(i.CommitId, i.Author?.FullName, i.Msg, i.AffectedPaths ?? []))],
        [.. (build.Artifacts ?? []).Select(a => a.RelativePath ?? a.FileName ?? "")],
        build.Url);

    public static IReadOnlyDictionary<string, string?> BuildParameters(BuildDto build)
    {
        var parameters = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var value in Actions(build, ParametersAction).SelectMany(a => a.Parameters ?? []))
        {
            if (!string.IsNullOrEmpty(value.Name))
            {
                parameters[value.Name] = Text(value.Value);
            }
        }

        return parameters;
    }

    public static QueueItem ToQueueItem(QueueItemDto item) => new(
        item.Id,
        JenkinsPaths.FullNameFromUrl(item.Task?.Url) ?? item.Task?.Name,
        item.Why,
        item.Blocked ?? false,
        item.Buildable ?? false,
        item.Stuck ?? false,
        item.Cancelled ?? false,
        ToTime(item.InQueueSince),
        string.IsNullOrWhiteSpace(item.Params) ? null : item.Params.Trim(),
        item.Executable?.Number,
        item.Executable?.Url,
        IsPlaceholder(item.Task?.Class) ? BuildNumberFromUrl(item.Task?.Url) : null);

    /// <summary>ExecutorStepExecution.PlaceholderTask and its executable: a Pipeline's node block, not a build of its own.</summary>
    public static bool IsPlaceholder(string? jenkinsClass)
        => jenkinsClass?.Contains("ExecutorStepExecution$PlaceholderTask", StringComparison.Ordinal) == true;

    /// <summary>The build number at the end of a build URL (<c>job/x/12/</c>).</summary>
    public static int? BuildNumberFromUrl(string? url)
    {
        var last = url?.TrimEnd('/').Split('/').LastOrDefault();
        return int.TryParse(last, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) ? number : null;
    }

    public static TestCaseResult ToTestCase(TestCaseDto testCase, string? suite) => new(
        suite, testCase.ClassName, testCase.Name, testCase.Status, testCase.Duration, testCase.ErrorDetails, testCase.ErrorStackTrace);

    public static Node ToNode(ComputerDto computer) => new(
        computer.DisplayName ?? "",
        computer.NumExecutors ?? 0,
        computer.Offline ?? false,
        computer.TemporarilyOffline ?? false,
        computer.Idle ?? false,
        string.IsNullOrWhiteSpace(computer.OfflineCauseReason) ? null : computer.OfflineCauseReason,
        [.. (computer.AssignedLabels ?? []).Select(l => l.Name ?? "").Where(n => n.Length > 0)],
        [.. (computer.Executors ?? []).Select(e => e.CurrentExecutable).OfType<ExecutableRefDto>()
            .Select(e => (e.FullDisplayName ?? e.Url ?? "") + (IsPlaceholder(e.Class) ? " (node block)" : ""))],
        [.. (computer.OneOffExecutors ?? []).Select(e => e.CurrentExecutable).OfType<ExecutableRefDto>()
            .Select(e => e.FullDisplayName ?? e.Url ?? "")]);

    public static DateTimeOffset? ToTime(long? epochMilliseconds)
        => epochMilliseconds is > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(epochMilliseconds.Value) : null;

    private static IEnumerable<BuildActionDto> Actions(BuildDto build, string jenkinsClass)
        => (build.Actions ?? []).OfType<BuildActionDto>().Where(a => a.Class == jenkinsClass);

    private static List<ChangeSetDto> ChangeSets(BuildDto build)
        => build.ChangeSet is { } single ? [single, .. build.ChangeSets ?? []] : build.ChangeSets ?? [];

    private static string Describe(CauseDto cause)
        => cause.ShortDescription ?? (cause.UpstreamProject is { } upstream
            ? $"Started by upstream project {upstream} build {cause.UpstreamBuild}"
            : cause.UserName ?? cause.UserId ?? "unknown cause");

    private static string? Text(JsonElement? value) => value switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } v => v.GetString(),
        { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined } => null,
        { ValueKind: JsonValueKind.True } => "true",
        { ValueKind: JsonValueKind.False } => "false",
        { ValueKind: JsonValueKind.Number } v => v.GetRawText(),
        var v => v.Value.GetRawText(),
    };

    private static string Combine(string folder, string? name)
        => string.IsNullOrEmpty(folder) ? name ?? "" : $"{folder}/{name}";

    public static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
