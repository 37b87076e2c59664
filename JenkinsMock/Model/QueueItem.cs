namespace McpAspire.JenkinsMock.Model;

/// <summary>Where a queue item stands (the Queue.Item subclasses).</summary>
public enum QueueItemState
{
    /// <summary>In the quiet period (Queue$WaitingItem).</summary>
    Waiting,

    /// <summary>Cannot start: the job does not allow concurrent builds and one runs (Queue$BlockedItem).</summary>
    Blocked,

    /// <summary>Ready, waiting for a free executor (Queue$BuildableItem).</summary>
    Buildable,

    /// <summary>Started or cancelled (Queue$LeftItem).</summary>
    Left,
}

/// <summary>A queue item (hudson.model.Queue.Item), from scheduling until it left the queue.</summary>
public sealed class QueueItem(long id, Job task, DateTimeOffset inQueueSince, DateTimeOffset quietUntil, IReadOnlyList<ParameterValue> parameters, IReadOnlyList<Cause> causes)
    : IExportable
{
    /// <summary>Queue.Item is <c>@ExportedBean(defaultVisibility = 999)</c>: its fields show at any depth (its actions do not).</summary>
    private const int AlwaysVisible = 999;

    public long Id { get; } = id;

    public Job Task { get; } = task;

    public long InQueueSinceMs { get; } = inQueueSince.ToUnixTimeMilliseconds();

    public DateTimeOffset QuietUntil { get; set; } = quietUntil;

    public IReadOnlyList<ParameterValue> Parameters { get; } = parameters;

    public IReadOnlyList<Cause> Causes { get; } = causes;

    public QueueItemState State { get; set; } = QueueItemState.Waiting;

    public long BuildableStartMs { get; set; }

    /// <summary>The build it started, once left; null when cancelled.</summary>
    public Build? Executable { get; set; }

    public bool Cancelled { get; set; }

    /// <summary>The Pipeline run this item waits an agent for: a <see cref="PlaceholderTask"/> rather than a job's build.</summary>
    public Build? PlaceholderFor { get; init; }

    public DateTimeOffset? LeftAt { get; set; }

    public string UrlPath => $"queue/item/{Id.ToString(CultureInfo.InvariantCulture)}/";

    public string JenkinsClass => State switch
    {
        QueueItemState.Waiting => "hudson.model.Queue$WaitingItem",
        QueueItemState.Blocked => "hudson.model.Queue$BlockedItem",
        QueueItemState.Buildable => "hudson.model.Queue$BuildableItem",
        _ => "hudson.model.Queue$LeftItem",
    };

    /// <summary>Queue.Item.getParams: one "\nNAME=value" per parameter.</summary>
    public string Params => string.Concat(Parameters.Select(parameter => $"\n{parameter.Name}={parameter.AsText}"));

    /// <summary>True when it would start the same build: same job, same parameter values.</summary>
    public bool IsDuplicateOf(Job job, IReadOnlyList<ParameterValue> parameters)
        => Task == job && PlaceholderFor is null && State != QueueItemState.Left && Parameters.OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => (p.Name, p.AsText))
            .SequenceEqual(parameters.OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => (p.Name, p.AsText)));

    public string? Why(DateTimeOffset now) => State switch
    {
        QueueItemState.Buildable when PlaceholderFor is not null && Task is WorkflowJob { AgentLabel: { } label } => AgentUnavailable ?? $"Waiting for next available executor on ‘{label}’",
        QueueItemState.Waiting => $"In the quiet period. Expires in {TimeSpans.Describe(QuietUntil - now)}",
        QueueItemState.Blocked => Task.LastBuild is { Building: true } running
            ? $"Build #{running.Number.ToString(CultureInfo.InvariantCulture)} is already in progress{Eta(running, now)}"
            : "Waiting for next available executor",
        QueueItemState.Buildable => "Waiting for next available executor",
        _ => null,
    };

    /// <summary>Set by the simulation when no online node carries the label (Queue's BecauseLabelIsOffline / BecauseLabelIsBusy).</summary>
    public string? AgentUnavailable { get; set; }

    private static string Eta(Build running, DateTimeOffset now)
    {
        var estimate = running.Job.EstimatedDurationMs;
        if (estimate < 0)
        {
            return "";
        }

        var remaining = TimeSpan.FromMilliseconds(Math.Max(0, running.TimestampMs + estimate - now.ToUnixTimeMilliseconds()));
        return $" (ETA: {TimeSpans.Describe(remaining)})";
    }

    public IEnumerable<Exported> Export(ExportContext context)
    {
        if (PlaceholderFor is { } run)
        {
            foreach (var exported in PlaceholderExport(run, context))
            {
                yield return exported;
            }

            yield break;
        }

        IReadOnlyList<IExportable> actions = Parameters.Count > 0
            ? [new ParametersAction(Parameters), new CauseAction(Causes)]
            : [new CauseAction(Causes)];
        yield return new("actions", actions);
        yield return new("blocked", State == QueueItemState.Blocked, Visibility: AlwaysVisible);
        yield return new("buildable", State == QueueItemState.Buildable, Visibility: AlwaysVisible);
        yield return new("id", Id, Visibility: AlwaysVisible);
        yield return new("inQueueSince", InQueueSinceMs, Visibility: AlwaysVisible);
        yield return new("params", Params, Visibility: AlwaysVisible);
        yield return new("stuck", false, Visibility: AlwaysVisible);
        yield return new("task", Task, Visibility: AlwaysVisible);
        yield return new("url", UrlPath, Visibility: AlwaysVisible);
        yield return new("why", Why(context.Now), Visibility: AlwaysVisible);
        switch (State)
        {
            case QueueItemState.Waiting:
                yield return new("timestamp", QuietUntil.ToUnixTimeMilliseconds(), Visibility: AlwaysVisible);
                break;
            case QueueItemState.Blocked:
                yield return new("buildableStartMilliseconds", BuildableStartMs, Visibility: AlwaysVisible);
                break;
            case QueueItemState.Buildable:
                yield return new("buildableStartMilliseconds", BuildableStartMs, Visibility: AlwaysVisible);
                yield return new("pending", false, Visibility: AlwaysVisible);
                break;
            default:
                yield return new("cancelled", Cancelled, Visibility: AlwaysVisible);
                yield return new("executable", Executable, Visibility: AlwaysVisible);
                break;
        }
    }

    /// <summary>A placeholder item: no parameters or causes, its task a PlaceholderTask, its executable the placeholder's.</summary>
    private IEnumerable<Exported> PlaceholderExport(Build run, ExportContext context)
    {
        yield return new("actions", Array.Empty<IExportable>());
        yield return new("blocked", State == QueueItemState.Blocked, Visibility: AlwaysVisible);
        yield return new("buildable", State == QueueItemState.Buildable, Visibility: AlwaysVisible);
        yield return new("id", Id, Visibility: AlwaysVisible);
        yield return new("inQueueSince", InQueueSinceMs, Visibility: AlwaysVisible);
        yield return new("params", "", Visibility: AlwaysVisible);
        yield return new("stuck", false, Visibility: AlwaysVisible);
        yield return new("task", new PlaceholderTask(run), Visibility: AlwaysVisible);
        yield return new("url", UrlPath, Visibility: AlwaysVisible);
        yield return new("why", Why(context.Now), Visibility: AlwaysVisible);
        if (State == QueueItemState.Left)
        {
            yield return new("cancelled", Cancelled, Visibility: AlwaysVisible);
            yield return new("executable", Cancelled ? null : new PlaceholderExecutable(run), Visibility: AlwaysVisible);
        }
        else
        {
            yield return new("buildableStartMilliseconds", BuildableStartMs, Visibility: AlwaysVisible);
            yield return new("pending", false, Visibility: AlwaysVisible);
        }
    }
}

/// <summary>Jenkins' Util.getTimeSpanString: "4.9 sec", "12 sec", "1 min 5 sec", "250 ms".</summary>
public static class TimeSpans
{
    public static string Describe(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
        {
            span = TimeSpan.Zero;
        }

        return span switch
        {
            { TotalHours: >= 1 } => string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours} hr {span.Minutes} min"),
            { TotalMinutes: >= 1 } => string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalMinutes} min {span.Seconds} sec"),
            { TotalSeconds: >= 10 } => string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalSeconds} sec"),
            { TotalSeconds: >= 1 } => string.Create(CultureInfo.InvariantCulture, $"{Math.Floor(span.TotalSeconds * 10) / 10:0.0} sec"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalMilliseconds} ms"),
        };
    }
}
