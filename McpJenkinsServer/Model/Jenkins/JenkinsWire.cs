using System.Text.Json.Serialization;

namespace McpAspire.McpJenkinsServer.Model.Jenkins;

// The Jenkins REST API's JSON, as far as this server reads it (see Jenkins core: Job, Run, Queue, ComputerSet).
// Every field is optional: `?tree=` leaves out what was not asked for, and plugins vary.

public sealed record JenkinsRootDto(
    List<JobDto>? Jobs,
    string? Description,
    bool? UseSecurity,
    bool? UseCrumbs,
    bool? QuietingDown,
    string? Url);

public sealed record JobDto(
    [property: JsonPropertyName("_class")] string? Class,
    string? Name,
    string? FullName,
    string? DisplayName,
    string? Url,
    string? Description,
    string? Color,
    bool? Buildable,
    bool? Disabled,
    bool? InQueue,
    int? NextBuildNumber,
    List<HealthReportDto>? HealthReport,
    List<JobPropertyDto>? Property,
    List<BuildDto>? Builds,
    List<BuildDto>? AllBuilds,
    BuildDto? LastBuild,
    BuildDto? LastCompletedBuild,
    BuildDto? LastSuccessfulBuild,
    BuildDto? LastFailedBuild,
    List<JobDto>? Jobs);

public sealed record HealthReportDto(string? Description, int? Score);

public sealed record JobPropertyDto(
    [property: JsonPropertyName("_class")] string? Class,
    List<ParameterDefinitionDto>? ParameterDefinitions);

public sealed record ParameterDefinitionDto(
    string? Name,
    string? Type,
    string? Description,
    ParameterValueDto? DefaultParameterValue,
    List<string>? Choices);

public sealed record ParameterValueDto(string? Name, JsonElement? Value);

public sealed record BuildDto(
    [property: JsonPropertyName("_class")] string? Class,
    int Number,
    string? Url,
    string? Result,
    bool? Building,
    long? Duration,
    long? EstimatedDuration,
    long? Timestamp,
    long? QueueId,
    string? DisplayName,
    string? FullDisplayName,
    string? Description,
    string? BuiltOn,
    List<BuildActionDto?>? Actions,
    ChangeSetDto? ChangeSet,
    List<ChangeSetDto>? ChangeSets,
    List<ArtifactDto>? Artifacts);

public sealed record BuildActionDto(
    [property: JsonPropertyName("_class")] string? Class,
    List<ParameterValueDto>? Parameters,
    List<CauseDto>? Causes);

public sealed record CauseDto(string? ShortDescription, string? UserId, string? UserName, string? UpstreamProject, int? UpstreamBuild);

public sealed record ChangeSetDto(string? Kind, List<ChangeSetItemDto>? Items);

public sealed record ChangeSetItemDto(string? CommitId, string? Msg, AuthorDto? Author, long? Timestamp, List<string>? AffectedPaths);

public sealed record AuthorDto(string? FullName);

public sealed record ArtifactDto(string? FileName, string? RelativePath);

public sealed record TestReportDto(
    double? Duration,
    int? PassCount,
    int? FailCount,
    int? SkipCount,
    bool? Empty,
    List<TestSuiteDto>? Suites);

public sealed record TestSuiteDto(string? Name, double? Duration, List<TestCaseDto>? Cases);

public sealed record TestCaseDto(
    string? ClassName,
    string? Name,
    string? Status,
    double? Duration,
    string? ErrorDetails,
    string? ErrorStackTrace);

public sealed record QueueDto(List<QueueItemDto>? Items);

public sealed record QueueItemDto(
    [property: JsonPropertyName("_class")] string? Class,
    long Id,
    string? Url,
    string? Why,
    bool? Blocked,
    bool? Buildable,
    bool? Stuck,
    bool? Cancelled,
    long? InQueueSince,
    string? Params,
    QueueTaskDto? Task,
    QueueExecutableDto? Executable);

public sealed record QueueTaskDto([property: JsonPropertyName("_class")] string? Class, string? Name, string? Url, string? Color);

public sealed record QueueExecutableDto(int? Number, string? Url);

public sealed record ComputerSetDto(int? BusyExecutors, int? TotalExecutors, List<ComputerDto>? Computer);

public sealed record ComputerDto(
    string? DisplayName,
    int? NumExecutors,
    bool? Offline,
    bool? TemporarilyOffline,
    bool? Idle,
    string? OfflineCauseReason,
    List<LabelDto>? AssignedLabels,
    List<ExecutorDto>? Executors,
    List<ExecutorDto>? OneOffExecutors);

public sealed record LabelDto(string? Name);

public sealed record ExecutorDto(bool? Idle, int? Number, int? Progress, ExecutableRefDto? CurrentExecutable);

public sealed record ExecutableRefDto(
    [property: JsonPropertyName("_class")] string? Class,
    string? Url,
    int? Number,
    string? FullDisplayName,
    long? Timestamp,
    long? EstimatedDuration);

public sealed record WhoAmIDto(string? Name, bool? Authenticated, bool? Anonymous, List<string>? Authorities);
