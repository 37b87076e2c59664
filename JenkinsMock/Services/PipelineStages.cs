using System.Text.RegularExpressions;
using McpAspire.JenkinsMock.Console;

namespace McpAspire.JenkinsMock.Services;

/// <summary>A stage of a Pipeline run as the flow graph would have it: its flow-node id, its one step node, status, timing and console lines.</summary>
public sealed record PipelineStage(string Id, string StepId, string Name, string Status, long StartTimeMillis, long DurationMillis, IReadOnlyList<string> Lines);

/// <summary>
/// The stages of a (simulated) Pipeline run, read back from its console: a stage begins at <c>[Pipeline] { (NAME)</c>
/// and ends at <c>[Pipeline] // stage</c>, as workflow-basic-steps' StageStep writes it. Each stage gets flow-node
/// ids like a real flow graph (stage N, its step N+1) and a share of the run's time by its lines. Status as
/// pipeline-stage-view's StatusExt: the stage a failed or aborted run stopped in is FAILED or ABORTED, a stage that
/// ran <c>unstable</c> UNSTABLE, a stage still running IN_PROGRESS.
/// </summary>
public static partial class PipelineStages
{
    public static IReadOnlyList<PipelineStage> Of(Build run, DateTimeOffset now)
    {
        var lines = PlainLines(run.Log);
        var stages = new List<PipelineStage>();
        var end = run.Building ? now.ToUnixTimeMilliseconds() : run.TimestampMs + run.DurationMs;
        var perLine = lines.Count == 0 ? 0 : (end - run.TimestampMs) / (double)lines.Count;
        string? name = null;
        var first = 0;
        for (var index = 0; index < lines.Count; index++)
        {
            if (StageStart().Match(lines[index]) is { Success: true } match)
            {
                name = match.Groups[1].Value;
                first = index;
            }
            else if (name is not null && lines[index] == "[Pipeline] // stage")
            {
                stages.Add(Stage(stages.Count, name, lines, first, index + 1, "SUCCESS", run, perLine));
                name = null;
            }
        }

        if (name is not null)
        {
            var status = run.Result switch
            {
                null => "IN_PROGRESS",
                BuildResult.Aborted => "ABORTED",
                _ => "FAILED",
            };
            stages.Add(Stage(stages.Count, name, lines, first, lines.Count, status, run, perLine));
        }
        else if (run.Result is BuildResult.Failure or BuildResult.Aborted && stages.Count > 0)
        {
            stages[^1] = stages[^1] with { Status = run.Result == BuildResult.Failure ? "FAILED" : "ABORTED" };
        }

        return stages;
    }

    private static PipelineStage Stage(int position, string name, List<string> lines, int first, int end, string status, Build run, double perLine)
    {
        var stageLines = lines.GetRange(first, end - first);
        if (status == "SUCCESS" && stageLines.Contains("[Pipeline] unstable"))
        {
            status = "UNSTABLE";
        }

        // Flow-node ids grow through the run: a stage's id, then its body step's.
        var id = 6 + (position * 4);
        return new PipelineStage(
            id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            (id + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
            name,
            status,
            run.TimestampMs + (long)(first * perLine),
            Math.Max(1, (long)((end - first) * perLine)),
            stageLines);
    }

    private static List<string> PlainLines(ConsoleLog log)
    {
        var snapshot = log.Snapshot(0);
        var filter = new PlainTextConsoleFilter();
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        foreach (var chunk in snapshot.Chunks())
        {
            filter.Write(chunk.Span, output);
        }

        filter.Flush(output);
        return [.. Encoding.UTF8.GetString(output.WrittenSpan).Split('\n').Where(line => line.Length > 0)];
    }

    [GeneratedRegex(@"^\[Pipeline\] \{ \((.+)\)$")]
    private static partial Regex StageStart();
}
