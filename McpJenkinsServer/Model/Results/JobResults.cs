namespace McpAspire.McpJenkinsServer.Model.Results;

[Description("A page of Jenkins jobs and folders.")]
public sealed record JobListPage(
    [property: Description("The folder listed; empty for the Jenkins root.")] string Folder,
    [property: Description("Items matching the filter, in Jenkins order.")] IReadOnlyList<JobSummary> Jobs,
    [property: Description("How many items matched before paging.")] int Total,
    [property: Description("Offset of this page.")] int Offset,
    [property: Description("Offset of the next page, or null when this is the last page.")] int? NextOffset);

[Description("A job or folder as listed.")]
public sealed record JobSummary(
    [property: Description("Full name with folders, e.g. 'team/app/build': the name every other tool takes.")] string FullName,
    string Name,
    [property: Description("'folder', 'freestyle', 'pipeline', 'multibranch' or the Jenkins class name.")] string Kind,
    [property: Description("Status colour: blue (success), red (failed), yellow (unstable), notbuilt, disabled, aborted; '_anime' while building.")] string? Color,
    string? Description,
    bool? Buildable,
    BuildSummary? LastBuild,
    string? Url);

[Description("A job in detail.")]
public sealed record JobDetail(
    string FullName,
    string DisplayName,
    string Kind,
    string? Description,
    string? Url,
    string? Color,
    bool Buildable,
    bool Disabled,
    bool InQueue,
    int? NextBuildNumber,
    [property: Description("Jenkins health reports (score 0-100).")] IReadOnlyList<HealthReport> Health,
    [property: Description("Build parameters; empty when the job is not parameterized.")] IReadOnlyList<JobParameter> Parameters,
    [property: Description("The newest builds, newest first.")] IReadOnlyList<BuildSummary> RecentBuilds,
    int? LastBuild,
    int? LastCompletedBuild,
    int? LastSuccessfulBuild,
    int? LastFailedBuild,
    [property: Description("Child items' full names, for folders.")] IReadOnlyList<string> Children);

public sealed record HealthReport(string? Description, int? Score);

public sealed record JobParameter(
    string Name,
    [property: Description("Jenkins type, e.g. StringParameterDefinition, BooleanParameterDefinition, ChoiceParameterDefinition.")] string? Type,
    string? Description,
    [property: Description("Default value as text.")] string? DefaultValue,
    [property: Description("Allowed values for choice parameters.")] IReadOnlyList<string>? Choices);

[Description("A build in brief.")]
public sealed record BuildSummary(
    int Number,
    [property: Description("SUCCESS, UNSTABLE, FAILURE, NOT_BUILT, ABORTED, or null while building.")] string? Result,
    bool Building,
    [property: Description("Start time, ISO 8601 UTC.")] DateTimeOffset? StartedAt,
    [property: Description("Duration in milliseconds (0 while building).")] long? DurationMs,
    string? Url);
