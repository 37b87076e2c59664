using McpAspire.McpJenkinsServer.Model.Results;
using ModelContextProtocol;

namespace McpAspire.McpJenkinsServer.Services;

/// <summary>
/// Queues builds with checked parameters and, on request, follows the queue item until Jenkins gives the build
/// a number, reporting each step as MCP progress.
/// </summary>
public sealed class BuildLauncher(JenkinsClient jenkins, TimeProvider time)
{
    private const string JobTree = "_class,fullName,buildable,disabled,color,property[_class,parameterDefinitions[name,type,choices,defaultParameterValue[value]]]";
    private const string QueueItemTree = "_class,id,url,why,blocked,buildable,stuck,cancelled,inQueueSince,params,task[name,url],executable[number,url]";

    /// <summary>How often a waited-for queue item is polled.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    public async Task<TriggeredBuild> LaunchAsync(
        string job,
        IReadOnlyDictionary<string, string?> parameters,
        TimeSpan? waitForStart,
        IProgress<ProgressNotificationValue>? progress,
        CancellationToken cancellationToken)
    {
        var dto = await jenkins.GetItemAsync(job, JobTree, cancellationToken);
        var fullName = dto.FullName ?? job;
        if (JenkinsMapper.IsFolder(dto))
        {
            throw new JenkinsException(JenkinsError.Rejected, $"'{fullName}' is a folder, not a job; list its jobs with list_jobs folder='{fullName}'.");
        }

        if (dto.Disabled == true || dto.Color == "disabled")
        {
            throw new JenkinsException(JenkinsError.Disabled, $"Job '{fullName}' is disabled in Jenkins, so it cannot be built. Ask a Jenkins administrator to enable it.");
        }

        var definitions = JenkinsMapper.Parameters(dto);
        CheckParameters(fullName, definitions, parameters);

        var queueId = await jenkins.TriggerAsync(fullName, definitions.Count > 0, parameters, cancellationToken);
        if (queueId is null)
        {
            return new TriggeredBuild(fullName, null, null, parameters, null,
                "Jenkins already had an identical build of this job in the queue, so it did not queue another; see get_queue.");
        }

        progress?.Report(new ProgressNotificationValue { Progress = 1, Message = $"Queued as item {queueId}." });
        var item = await TryGetQueueItemAsync(queueId.Value, cancellationToken);
        if (waitForStart is { } wait && item?.BuildNumber is null && item?.Cancelled != true)
        {
            item = await WaitForStartAsync(queueId.Value, item, wait, progress, cancellationToken);
        }

        var message = item switch
        {
            { BuildNumber: { } number } => $"Build #{number} of '{fullName}' started; follow it with get_build.",
            { Cancelled: true } => $"Queue item {queueId} was cancelled before it started.",
            _ when waitForStart is not null => $"Queued as item {queueId}; it had not started within {waitForStart.Value.TotalSeconds:0} s ({item?.Why ?? "no reason given"}). Follow it with get_queue_item.",
            _ => $"Queued as item {queueId}; follow it with get_queue_item.",
        };
        return new TriggeredBuild(fullName, queueId, item?.BuildNumber, parameters, item, message);
    }

    /// <summary>Unknown parameter names and values outside a choice list are the caller's mistake: invalid params.</summary>
    internal static void CheckParameters(string job, IReadOnlyList<JobParameter> definitions, IReadOnlyDictionary<string, string?> parameters)
    {
        if (parameters.Count == 0)
        {
            return;
        }

        if (definitions.Count == 0)
        {
            throw new JenkinsException(JenkinsError.NotParameterized, $"Job '{job}' is not parameterized: trigger it without parameters.");
        }

        foreach (var (name, value) in parameters)
        {
            var definition = definitions.FirstOrDefault(d => d.Name == name)
                ?? throw new McpProtocolException(
                    $"Job '{job}' has no parameter '{name}'. Its parameters are: {string.Join(", ", definitions.Select(d => d.Name))}.",
                    McpErrorCode.InvalidParams);

            if (definition.Choices is { Count: > 0 } choices && !choices.Contains(value ?? ""))
            {
                throw new McpProtocolException(
                    $"'{value}' is not a choice of parameter '{name}' of job '{job}'. Choices: {string.Join(", ", choices)}.",
                    McpErrorCode.InvalidParams);
            }
        }
    }

    private async Task<QueueItem?> WaitForStartAsync(
        long queueId, QueueItem? item, TimeSpan wait, IProgress<ProgressNotificationValue>? progress, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + wait;
        var step = 1;
        using var timer = new PeriodicTimer(PollInterval, time);
        while (time.GetUtcNow() < deadline && await timer.WaitForNextTickAsync(cancellationToken))
        {
            item = await TryGetQueueItemAsync(queueId, cancellationToken) ?? item;
            step++;
            progress?.Report(new ProgressNotificationValue
            {
                Progress = step,
                Message = item?.BuildNumber is { } number ? $"Build #{number} started." : $"Waiting in the queue: {item?.Why ?? "pending"}",
            });

            if (item is null || item.BuildNumber is not null || item.Cancelled)
            {
                break;
            }
        }

        return item;
    }

    private async Task<QueueItem?> TryGetQueueItemAsync(long queueId, CancellationToken cancellationToken)
    {
        try
        {
            return JenkinsMapper.ToQueueItem(await jenkins.GetQueueItemAsync(queueId, QueueItemTree, cancellationToken));
        }
        catch (JenkinsException exception) when (exception.Error == JenkinsError.NotFound)
        {
            // Left items expire after a few minutes; the build still exists, findable by its queueId.
            return null;
        }
    }
}
