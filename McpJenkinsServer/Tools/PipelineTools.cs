using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using static McpAspire.McpJenkinsServer.Tools.ToolArguments;

namespace McpAspire.McpJenkinsServer.Tools;

/// <summary>Pipeline runs by stage, through the Pipeline Stage View plugin's REST API (wfapi), which the Jenkins UI's stage view reads too.</summary>
[McpServerToolType]
public sealed partial class PipelineTools(JenkinsClient jenkins)
{
    [McpServerTool(Name = "get_pipeline_stages", Title = "Get a Pipeline run's stages", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false, UseStructuredContent = true)]
    [Description("Lists the stages of a Pipeline build with their status (SUCCESS, FAILED, UNSTABLE, ABORTED, IN_PROGRESS, ...), start and duration: where a Pipeline failed or spends its time. Pipeline jobs only.")]
    public async Task<PipelineStages> GetPipelineStages(
        [Description(JobDescription)] string job,
        [Description(BuildDescription)] string build = "lastBuild",
        CancellationToken cancellationToken = default)
    {
        var fullName = JobName(job);
        var number = (await jenkins.GetBuildAsync(fullName, Required(build, nameof(build)), "number", cancellationToken)).Number;
        var run = await jenkins.GetPipelineRunAsync(fullName, number, cancellationToken);
        return new PipelineStages(fullName, number, run.Status, run.DurationMillis,
            [.. (run.Stages ?? []).Select(stage => new PipelineStage(stage.Id ?? "", stage.Name, stage.Status, JenkinsMapper.ToTime(stage.StartTimeMillis), stage.DurationMillis))]);
    }

    [McpServerTool(Name = "get_stage_log", Title = "Read one stage's log", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false, UseStructuredContent = true)]
    [Description("Reads the console output of one stage of a Pipeline build (its steps' logs in order), by stage name or id from get_pipeline_stages. Shorter than the whole log when only one stage failed.")]
    public async Task<StageLog> GetStageLog(
        [Description(JobDescription)] string job,
        [Description("Stage name (e.g. 'Test') or flow-node id from get_pipeline_stages.")] string stage,
        [Description(BuildDescription)] string build = "lastBuild",
        [Description("Maximum bytes of text to return, 1-1048576.")] int max_bytes = 65_536,
        CancellationToken cancellationToken = default)
    {
        var fullName = JobName(job);
        stage = Required(stage, nameof(stage));
        InRange(max_bytes, 1, 1_048_576, nameof(max_bytes));
        var number = (await jenkins.GetBuildAsync(fullName, Required(build, nameof(build)), "number", cancellationToken)).Number;
        var run = await jenkins.GetPipelineRunAsync(fullName, number, cancellationToken);
        var found = (run.Stages ?? []).FirstOrDefault(s => s.Id == stage)
            ?? (run.Stages ?? []).FirstOrDefault(s => string.Equals(s.Name, stage, StringComparison.OrdinalIgnoreCase))
            ?? throw new JenkinsException(JenkinsError.NotFound, string.Create(CultureInfo.InvariantCulture,
                $"Build #{number} of '{fullName}' has no stage '{stage}'. Its stages: {string.Join(", ", (run.Stages ?? []).Select(s => $"{s.Name} ({s.Id})"))}."));

        var described = await jenkins.GetPipelineStageAsync(fullName, number, found.Id!, cancellationToken);
        var text = new StringBuilder();
        var truncated = false;
        foreach (var step in described.StageFlowNodes ?? [])
        {
            if (step.Id is null || Encoding.UTF8.GetByteCount(text.ToString()) >= max_bytes)
            {
                truncated |= step.Id is not null;
                continue;
            }

            var log = await jenkins.GetPipelineNodeLogAsync(fullName, number, step.Id, cancellationToken);
            text.Append(PlainText(log.Text ?? ""));
            truncated |= log.HasMore == true;
        }

        var plain = text.ToString();
        if (Encoding.UTF8.GetByteCount(plain) > max_bytes)
        {
            plain = Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(plain), 0, max_bytes).TrimEnd('\uFFFD');
            truncated = true;
        }

        return new StageLog(fullName, number, found.Id!, found.Name, found.Status, plain, truncated);
    }

    /// <summary>FlowNodeLogExt's text is HTML (AnnotatedLargeText.writeHtmlTo): tags out, entities decoded.</summary>
    private static string PlainText(string html) => WebUtility.HtmlDecode(HtmlTag().Replace(html, ""));

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex HtmlTag();
}
