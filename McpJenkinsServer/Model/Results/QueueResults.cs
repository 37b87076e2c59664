namespace McpAspire.McpJenkinsServer.Model.Results;

[Description("The Jenkins build queue.")]
public sealed record QueueSnapshot(IReadOnlyList<QueueItem> Items);

[Description("A queue item: a build waiting to start, or one that has left the queue.")]
public sealed record QueueItem(
    long Id,
    [property: Description("Full name of the job.")] string? Job,
    [property: Description("Why it is waiting, as Jenkins says.")] string? Why,
    bool Blocked,
    bool Buildable,
    bool Stuck,
    bool Cancelled,
    DateTimeOffset? InQueueSince,
    string? Params,
    [property: Description("The build number once the item left the queue and started, else null.")] int? BuildNumber,
    string? BuildUrl,
    [property: Description("For a Pipeline's node block waiting for an agent (not a new build): the number of the build it belongs to; else null.")] int? NodeBlockOfBuild);

[Description("The build a trigger or rebuild queued.")]
public sealed record TriggeredBuild(
    string Job,
    [property: Description("Queue item id; follow it with get_queue_item.")] long? QueueItemId,
    [property: Description("The build number, when waiting was asked and the build started in time.")] int? BuildNumber,
    IReadOnlyDictionary<string, string?> Parameters,
    QueueItem? QueueItem,
    [property: Description("When the build has a number but waits for an agent (a Pipeline's node block still queued), Jenkins' reason; else null.")] string? WaitingForAgent,
    string Message);

[Description("What cancelling a queue item did.")]
public sealed record CancelQueueItemResult(long Id, string Message);
