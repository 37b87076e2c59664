namespace McpAspire.McpJenkinsServer.Services;

/// <summary>
/// Queues builds with checked parameters and, on request, follows the queue item until Jenkins gives the build
/// a number, reporting each step as MCP progress.
/// </summary>
public sealed class BuildLauncher(JenkinsClient jenkins, TimeProvider time, BuildAttribution? attribution = null)
{
    private const string JobTree = "_class,fullName,buildable,disabled,color,property[_class,parameterDefinitions[name,type,choices,defaultParameterValue[value]]]";
    private const string QueueItemTree = "_class,id,url,why,blocked,buildable,stuck,cancelled,inQueueSince,params,task[name,url],executable[number,url]";

    /// <summary>How often a waited-for queue item is polled.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Queues a build for <paramref name="requester"/>: the job's <see cref="BuildRequester.ParameterName"/> parameter
    /// when it declares one, and the build's description always (now when the build has its number, else once it gets
    /// one, by <see cref="BuildAttribution"/>), say who asked, because Jenkins sees only the server's account.
    /// </summary>
    public async Task<TriggeredBuild> LaunchAsync(
        string job,
        IReadOnlyDictionary<string, string?> parameters,
        TimeSpan? waitForStart,
        IProgress<ProgressNotificationValue>? progress,
        BuildRequester requester,
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
        if (definitions.Any(definition => definition.Name == BuildRequester.ParameterName))
        {
            // Set by the server, never by the caller: it is the audit trail.
            parameters = new Dictionary<string, string?>(parameters) { [BuildRequester.ParameterName] = requester.Describe() };
        }

        var queueId = await jenkins.TriggerAsync(fullName, definitions.Count > 0, parameters, cancellationToken);
        if (queueId is null)
        {
            return new TriggeredBuild(fullName, null, null, parameters, null, null,
                "Jenkins already had an identical build of this job in the queue, so it did not queue another; see get_queue.");
        }

        progress?.Report(new ProgressNotificationValue { Progress = 1, Message = $"Queued as item {queueId}." });
        var item = await TryGetQueueItemAsync(queueId.Value, cancellationToken);
        string? waitingForAgent = null;
        if (waitForStart is { } wait && item?.Cancelled != true)
        {
            (item, waitingForAgent) = await WaitForStartAsync(queueId.Value, item, wait, progress, cancellationToken);
        }

        var attributionProblem = await DescribeAsync(fullName, queueId.Value, item?.BuildNumber, requester, cancellationToken);
        var message = item switch
        {
            { BuildNumber: { } number } when waitingForAgent is not null
                => $"Build #{number} of '{fullName}' has a number but has not started its work: it waits for an agent ({waitingForAgent}). Follow it with get_build or get_queue.",
            { BuildNumber: { } number } => $"Build #{number} of '{fullName}' started; follow it with get_build.",
            { Cancelled: true } => $"Queue item {queueId} was cancelled before it started.",
            _ when waitForStart is not null => $"Queued as item {queueId}; it had not started within {waitForStart.Value.TotalSeconds:0} s ({item?.Why ?? "no reason given"}). Follow it with get_queue_item.",
            _ => $"Queued as item {queueId}; follow it with get_queue_item.",
        } + attributionProblem;
        return new TriggeredBuild(fullName, queueId, item?.BuildNumber, parameters, item, waitingForAgent, message);
    }

    /// <summary>
    /// The requester in the build's description: now when it has a number, else once it gets one. The build is
    /// already queued here, so a refusal (the server's account may lack Run/Update) is said in the result, never
    /// thrown: an error would invite the assistant to trigger the build again.
    /// </summary>
    private async Task<string> DescribeAsync(string job, long queueId, int? number, BuildRequester requester, CancellationToken cancellationToken)
    {
        if (number is not { } started)
        {
            attribution?.Follow(job, queueId, requester.Description);
            return "";
        }

        try
        {
            await jenkins.SetDescriptionAsync(job, started, requester.Description, cancellationToken);
            return "";
        }
        catch (JenkinsException exception)
        {
            return $" (Its description could not name who asked: {exception.Message})";
        }
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

    /// <summary>
    /// Polls until the build started, and for a Pipeline until it also left the queue as an agent's work: a Pipeline
    /// run gets its number at once on a one-off executor, then its <c>node {}</c> block waits in the queue as a
    /// placeholder item whose task URL is the run's (ExecutorStepExecution.PlaceholderTask). Answers the item and,
    /// when the deadline came first, why the run still waits for an agent.
    /// </summary>
    private async Task<(QueueItem? Item, string? WaitingForAgent)> WaitForStartAsync(
        long queueId, QueueItem? item, TimeSpan wait, IProgress<ProgressNotificationValue>? progress, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + wait;
        var step = 1;
        string? waitingForAgent = null;
        using var timer = new PeriodicTimer(PollInterval, time);
        while (true)
        {
            if (item?.BuildNumber is not null && item.BuildUrl is { } buildUrl)
            {
                waitingForAgent = await PlaceholderWhyAsync(buildUrl, cancellationToken);
                if (waitingForAgent is null)
                {
                    return (item, null);
                }
            }
            else if (item is null || item.Cancelled)
            {
                return (item, null);
            }

            if (time.GetUtcNow() >= deadline || !await timer.WaitForNextTickAsync(cancellationToken))
            {
                return (item, waitingForAgent);
            }

            if (item.BuildNumber is null)
            {
                item = await TryGetQueueItemAsync(queueId, cancellationToken) ?? item;
            }

            step++;
            progress?.Report(new ProgressNotificationValue
            {
                Progress = step,
                Message = item switch
                {
                    { BuildNumber: { } number } when waitingForAgent is not null => $"Build #{number} waits for an agent: {waitingForAgent}",
                    { BuildNumber: { } number } => $"Build #{number} started.",
                    _ => $"Waiting in the queue: {item.Why ?? "pending"}",
                },
            });
        }
    }

    /// <summary>Why the run at <paramref name="buildUrl"/> still waits for an agent, or null when no placeholder of it is queued.</summary>
    private async Task<string?> PlaceholderWhyAsync(string buildUrl, CancellationToken cancellationToken)
    {
        var queue = await jenkins.GetQueueAsync("items[id,why,task[url]]", cancellationToken);
        var path = Uri.TryCreate(buildUrl, UriKind.Absolute, out var absolute) ? absolute.AbsolutePath : buildUrl;
        var placeholder = (queue.Items ?? []).FirstOrDefault(queued => queued.Task?.Url is { Length: > 0 } taskUrl
            && path.EndsWith("/" + taskUrl.TrimStart('/'), StringComparison.Ordinal));
        return placeholder is null ? null : placeholder.Why ?? "waiting for an executor";
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
