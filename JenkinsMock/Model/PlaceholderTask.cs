namespace McpAspire.JenkinsMock.Model;

/// <summary>
/// ExecutorStepExecution.PlaceholderTask (workflow-durable-task-step), the queue task of a Pipeline's
/// <c>node {}</c> block: exported <c>name</c> and <c>fullDisplayName</c> "part of JOB #N", and <c>url</c> the run's
/// (relative) URL, not a job's.
/// </summary>
public sealed class PlaceholderTask(Build run) : IExportable
{
    public string JenkinsClass => "org.jenkinsci.plugins.workflow.support.steps.ExecutorStepExecution$PlaceholderTask";

    public string DisplayName => $"part of {run.Job.FullDisplayName} {run.DisplayName}";

    public IEnumerable<Exported> Export(ExportContext context) =>
    [
        new("fullDisplayName", DisplayName),
        new("name", DisplayName),
        new("url", run.UrlPath),
    ];
}

/// <summary>
/// ExecutorStepExecution.PlaceholderTask.PlaceholderExecutable: what occupies an agent's executor while a Pipeline
/// runs a <c>node {}</c> block. Exports the run's number, names, estimate, start and absolute URL.
/// </summary>
public sealed class PlaceholderExecutable(Build run) : IExportable
{
    public string JenkinsClass => "org.jenkinsci.plugins.workflow.support.steps.ExecutorStepExecution$PlaceholderTask$PlaceholderExecutable";

    public IEnumerable<Exported> Export(ExportContext context) =>
    [
        new("displayName", run.DisplayName),
        new("estimatedDuration", run.Job.EstimatedDurationMs),
        new("fullDisplayName", $"{run.Job.FullDisplayName} {run.DisplayName}"),
        new("number", run.Number),
        new("timestamp", run.TimestampMs),
        new("url", context.RootUrl + run.UrlPath),
    ];
}
