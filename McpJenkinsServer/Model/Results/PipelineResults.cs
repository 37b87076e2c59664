namespace McpAspire.McpJenkinsServer.Model.Results;

[Description("The stages of a Pipeline run, from the Pipeline Stage View plugin's REST API (wfapi).")]
public sealed record PipelineStages(
    string Job,
    int Number,
    [property: Description("SUCCESS, FAILED, UNSTABLE, ABORTED, IN_PROGRESS, NOT_EXECUTED, PAUSED_PENDING_INPUT.")] string? Status,
    long? DurationMs,
    IReadOnlyList<PipelineStage> Stages);

public sealed record PipelineStage(
    [property: Description("Flow-node id; pass it (or the name) to get_stage_log.")] string Id,
    string? Name,
    string? Status,
    DateTimeOffset? StartedAt,
    long? DurationMs);

[Description("The log of one stage: its steps' logs, in order.")]
public sealed record StageLog(
    string Job,
    int Number,
    string StageId,
    string? Stage,
    string? Status,
    string Text,
    [property: Description("True when the text was cut at max_bytes, or Jenkins holds more than it sent.")] bool Truncated);

[Description("The files a build archived.")]
public sealed record ArtifactList(string Job, int Number, IReadOnlyList<ArtifactInfo> Artifacts);

public sealed record ArtifactInfo(
    [property: Description("Path to pass to read_artifact.")] string Path,
    string? FileName,
    string Url);

[Description("The start of a text artifact.")]
public sealed record ArtifactText(
    string Job,
    int Number,
    string Path,
    string? ContentType,
    string Text,
    [property: Description("True when the file is longer than what was returned.")] bool Truncated);

[Description("What a write to a build did.")]
public sealed record BuildChange(string Job, int Number, string Message);
