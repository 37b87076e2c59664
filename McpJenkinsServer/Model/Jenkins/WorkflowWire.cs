using System.Text.Json.Serialization;

namespace McpAspire.McpJenkinsServer.Model.Jenkins;

/// <summary>pipeline-stage-view's RunExt (<c>wfapi/describe</c>): a Pipeline run and its stages.</summary>
public sealed record WorkflowRunDto(string? Id, string? Name, string? Status, long? StartTimeMillis, long? DurationMillis, List<WorkflowStageDto>? Stages);

/// <summary>StageNodeExt: a stage; with its step nodes when described on its own.</summary>
public sealed record WorkflowStageDto(
    string? Id,
    string? Name,
    string? Status,
    long? StartTimeMillis,
    long? DurationMillis,
    List<WorkflowStepDto>? StageFlowNodes);

/// <summary>AtomFlowNodeExt: one step of a stage, with the link to its log.</summary>
public sealed record WorkflowStepDto(
    string? Id,
    string? Name,
    string? Status,
    string? ParameterDescription,
    [property: JsonPropertyName("_links")] WorkflowLinksDto? Links);

public sealed record WorkflowLinksDto(WorkflowLinkDto? Log);

public sealed record WorkflowLinkDto(string? Href);

/// <summary>FlowNodeLogExt (<c>execution/node/ID/wfapi/log</c>): a step's log, as HTML.</summary>
public sealed record WorkflowLogDto(string? NodeId, string? NodeStatus, long? Length, bool? HasMore, string? Text);
