using System.Net;
using System.Text.Json;

namespace McpAspire.JenkinsMock.Apis;

/// <summary>
/// The Pipeline REST API of the pipeline-stage-view plugin (<c>wfapi</c>), for Pipeline runs: <c>wfapi/describe</c>
/// (RunExt: the run and its stages), <c>execution/node/ID/wfapi/describe</c> (StageNodeExt: a stage and its step
/// nodes) and <c>execution/node/ID/wfapi/log</c> (FlowNodeLogExt: a step's log as HTML). Its JSON is written by
/// Jackson, not Stapler: no <c>_class</c>, no <c>tree</c>.
/// </summary>
public static class WorkflowApi
{
    private const string JsonContentType = "application/json;charset=UTF-8";

    public static IResult Describe(HttpContext http, JenkinsInstance instance, Func<JenkinsRoot, Build?> find)
    {
        var json = instance.Use((root, now) => find(root) is WorkflowRun run ? Write(writer => RunExt(writer, run, now)) : null);
        return json is null ? JenkinsResults.NotFound() : Results.Bytes(json, JsonContentType);
    }

    public static IResult Node(HttpContext http, JenkinsInstance instance, Func<JenkinsRoot, Build?> find, string nodeId, string what)
    {
        var json = instance.Use((root, now) =>
        {
            if (find(root) is not WorkflowRun run)
            {
                return null;
            }

            var stages = PipelineStages.Of(run, now);
            return (what, stages.FirstOrDefault(stage => stage.Id == nodeId), stages.FirstOrDefault(stage => stage.StepId == nodeId)) switch
            {
                ("describe", { } stage, _) => Write(writer => StageNodeExt(writer, run, stage)),
                ("log", _, { } step) => Write(writer => FlowNodeLogExt(writer, run, step)),
                ("log", { } stage, _) => Write(writer => FlowNodeLogExt(writer, run, stage with { Lines = [] })),
                _ => null,
            };
        });
        return json is null ? JenkinsResults.NotFound() : Results.Bytes(json, JsonContentType);
    }

    private static void RunExt(Utf8JsonWriter writer, WorkflowRun run, DateTimeOffset now)
    {
        writer.WriteStartObject();
        Links(writer, $"/{run.UrlPath}wfapi/describe");
        writer.WriteString("id", run.Number.ToString(System.Globalization.CultureInfo.InvariantCulture));
        writer.WriteString("name", run.DisplayName);
        writer.WriteString("status", Status(run.Result));
        writer.WriteNumber("startTimeMillis", run.TimestampMs);
        writer.WriteNumber("endTimeMillis", run.Building ? 0 : run.TimestampMs + run.DurationMs);
        writer.WriteNumber("durationMillis", run.Building ? now.ToUnixTimeMilliseconds() - run.TimestampMs : run.DurationMs);
        writer.WriteNumber("queueDurationMillis", 0);
        writer.WriteNumber("pauseDurationMillis", 0);
        writer.WriteStartArray("stages");
        foreach (var stage in PipelineStages.Of(run, now))
        {
            writer.WriteStartObject();
            Links(writer, $"/{run.UrlPath}execution/node/{stage.Id}/wfapi/describe");
            StageFields(writer, stage);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void StageNodeExt(Utf8JsonWriter writer, WorkflowRun run, PipelineStage stage)
    {
        writer.WriteStartObject();
        Links(writer, $"/{run.UrlPath}execution/node/{stage.Id}/wfapi/describe");
        StageFields(writer, stage);
        writer.WriteStartArray("stageFlowNodes");
        writer.WriteStartObject();
        writer.WriteStartObject("_links");
        writer.WriteStartObject("self");
        writer.WriteString("href", $"/{run.UrlPath}execution/node/{stage.StepId}/wfapi/describe");
        writer.WriteEndObject();
        writer.WriteStartObject("log");
        writer.WriteString("href", $"/{run.UrlPath}execution/node/{stage.StepId}/wfapi/log");
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteString("id", stage.StepId);
        writer.WriteString("name", "Shell Script");
        writer.WriteString("execNode", "");
        writer.WriteString("status", stage.Status);
        writer.WriteString("parameterDescription", stage.Name);
        writer.WriteNumber("startTimeMillis", stage.StartTimeMillis);
        writer.WriteNumber("durationMillis", stage.DurationMillis);
        writer.WriteNumber("pauseDurationMillis", 0);
        writer.WriteStartArray("parentNodes");
        writer.WriteStringValue(stage.Id);
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>The step's log as AnnotatedLargeText.writeHtmlTo renders it: HTML-escaped, step lines marked up.</summary>
    private static void FlowNodeLogExt(Utf8JsonWriter writer, WorkflowRun run, PipelineStage step)
    {
        var html = new StringBuilder();
        foreach (var line in step.Lines)
        {
            html.Append(line.StartsWith("[Pipeline] ", StringComparison.Ordinal)
                ? $"<span class=\"pipeline-new-node\" nodeId=\"{step.StepId}\">{WebUtility.HtmlEncode(line)}</span>"
                : WebUtility.HtmlEncode(line)).Append('\n');
        }

        writer.WriteStartObject();
        writer.WriteString("nodeId", step.StepId);
        writer.WriteString("nodeStatus", step.Status);
        writer.WriteNumber("length", Encoding.UTF8.GetByteCount(html.ToString()));
        writer.WriteBoolean("hasMore", false);
        writer.WriteString("text", html.ToString());
        writer.WriteString("consoleUrl", $"/{run.UrlPath}execution/node/{step.StepId}/log");
        writer.WriteEndObject();
    }

    private static void StageFields(Utf8JsonWriter writer, PipelineStage stage)
    {
        writer.WriteString("id", stage.Id);
        writer.WriteString("name", stage.Name);
        writer.WriteString("execNode", "");
        writer.WriteString("status", stage.Status);
        writer.WriteNumber("startTimeMillis", stage.StartTimeMillis);
        writer.WriteNumber("durationMillis", stage.DurationMillis);
        writer.WriteNumber("pauseDurationMillis", 0);
    }

    private static void Links(Utf8JsonWriter writer, string self)
    {
        writer.WriteStartObject("_links");
        writer.WriteStartObject("self");
        writer.WriteString("href", self);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>StatusExt.valueOf(Result): a run's status.</summary>
    private static string Status(string? result) => result switch
    {
        null => "IN_PROGRESS",
        BuildResult.Failure => "FAILED",
        BuildResult.Aborted => "ABORTED",
        BuildResult.Unstable => "UNSTABLE",
        BuildResult.NotBuilt => "NOT_EXECUTED",
        _ => "SUCCESS",
    };

    private static byte[] Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            write(writer);
        }

        return buffer.ToArray();
    }
}
