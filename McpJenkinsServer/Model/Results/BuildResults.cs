namespace McpAspire.McpJenkinsServer.Model.Results;

[Description("Builds of a job, newest first.")]
public sealed record BuildListPage(
    string Job,
    IReadOnlyList<BuildSummary> Builds,
    int Offset,
    int? NextOffset);

[Description("A build in detail.")]
public sealed record BuildDetail(
    string Job,
    int Number,
    string? DisplayName,
    string? Description,
    [property: Description("SUCCESS, UNSTABLE, FAILURE, NOT_BUILT, ABORTED, or null while building.")] string? Result,
    bool Building,
    DateTimeOffset? StartedAt,
    long? DurationMs,
    [property: Description("Jenkins' estimate in milliseconds, -1 without history.")] long? EstimatedDurationMs,
    long? QueueId,
    string? BuiltOn,
    IReadOnlyDictionary<string, string?> Parameters,
    [property: Description("Why the build ran (user, timer, SCM change, upstream build).")] IReadOnlyList<string> Causes,
    IReadOnlyList<Change> Changes,
    IReadOnlyList<string> Artifacts,
    string? Url);

public sealed record Change(string? CommitId, string? Author, string? Message, IReadOnlyList<string> AffectedPaths);

[Description("A page of a build's console log.")]
public sealed record BuildLogPage(
    string Job,
    int Number,
    [property: Description("Byte offset this page starts at.")] long Offset,
    [property: Description("Byte offset to pass as 'offset' for the next page.")] long NextOffset,
    [property: Description("True when more text follows (further pages, or the build is still writing).")] bool HasMore,
    bool Building,
    string Text);

[Description("Matches of a regular expression in a build's console log.")]
public sealed record LogSearchResult(
    string Job,
    int Number,
    string Pattern,
    int TotalLinesSearched,
    IReadOnlyList<LogMatch> Matches,
    [property: Description("True when more matches existed than were returned.")] bool Truncated);

public sealed record LogMatch(
    [property: Description("1-based line number.")] int Line,
    string Text,
    IReadOnlyList<string> Before,
    IReadOnlyList<string> After);

[Description("A build's test report.")]
public sealed record TestReport(
    string Job,
    int Number,
    int Passed,
    int Failed,
    int Skipped,
    double? DurationSeconds,
    [property: Description("Test cases; only failures (FAILED, REGRESSION) when failures-only was asked.")] IReadOnlyList<TestCaseResult> Cases,
    [property: Description("True when more matching cases follow this page.")] bool Truncated,
    [property: Description("Matching test cases in the whole report.")] int TotalCases,
    int Offset,
    [property: Description("Offset of the next page, null on the last one.")] int? NextOffset);

public sealed record TestCaseResult(
    string? Suite,
    string? ClassName,
    string? Name,
    string? Status,
    double? DurationSeconds,
    string? ErrorDetails,
    string? ErrorStackTrace);

[Description("What stopping a build did.")]
public sealed record StopBuildResult(string Job, int Number, bool WasBuilding, string Message);
