using static McpAspire.McpJenkinsServer.Tools.ToolArguments;

namespace McpAspire.McpJenkinsServer.Tools;

/// <summary>The build queue: items of jobs the caller may not read are left out, and are "not found" by id.</summary>
[McpServerToolType]
public sealed class QueueTools(JenkinsClient jenkins, JenkinsAccess? access = null)
{
    private readonly JenkinsAccess _access = access ?? JenkinsAccess.Unrestricted;

    internal const string ItemTree = "_class,id,url,why,blocked,buildable,stuck,cancelled,inQueueSince,params,task[name,url],executable[number,url]";

    [McpServerTool(Name = "get_queue", Title = "Show the build queue", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false, UseStructuredContent = true)]
    [Description("Lists the builds waiting in the Jenkins queue, with why each waits (e.g. no free executor) and whether it is blocked or stuck.")]
    public async Task<QueueSnapshot> GetQueue(
        [Description("Only items of jobs whose full name contains this text (case-insensitive).")] string? job = null,
        CancellationToken cancellationToken = default)
    {
        var queue = await jenkins.GetQueueAsync($"items[{ItemTree}]", cancellationToken);
        var items = (queue.Items ?? []).Select(JenkinsMapper.ToQueueItem)
            .Where(i => string.IsNullOrWhiteSpace(job) || (i.Job?.Contains(job.Trim(), StringComparison.OrdinalIgnoreCase) ?? false))
            .ToList();
        var readable = _access.ReadsEverything ? items : [.. items.Where(i => _access.CanRead(i.Job))];
        _access.Hid(items.Count - readable.Count);
        return new QueueSnapshot(readable);
    }

    [McpServerTool(Name = "get_queue_item", Title = "Get a queue item", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false, UseStructuredContent = true)]
    [Description("Follows one queue item (as trigger_build returns): still waiting and why, cancelled, or started with its build number.")]
    public async Task<QueueItem> GetQueueItem(
        [Description("The queue item id.")] long id,
        CancellationToken cancellationToken = default)
        => await ReadableQueueItemAsync(id, cancellationToken);

    [McpServerTool(Name = "cancel_queue_item", Title = "Cancel a queued build", ReadOnly = false, Destructive = true, Idempotent = true, OpenWorld = false, UseStructuredContent = true)]
    [Description("Removes a waiting build from the Jenkins queue before it starts. A build that already started must be stopped with stop_build instead.")]
    public async Task<CancelQueueItemResult> CancelQueueItem(
        [Description("The queue item id (see get_queue).")] long id,
        CancellationToken cancellationToken = default)
    {
        var item = await ReadableQueueItemAsync(id, cancellationToken);
        _access.Require(JenkinsAction.Cancel, item.Job);
        if (item.BuildNumber is { } number)
        {
            return new CancelQueueItemResult(id, $"Queue item {id} already started as build #{number} of '{item.Job}'; use stop_build to abort it.");
        }

        if (item.Cancelled)
        {
            return new CancelQueueItemResult(id, $"Queue item {id} was already cancelled.");
        }

        await jenkins.CancelQueueItemAsync(id, cancellationToken);
        return new CancelQueueItemResult(id, $"Queue item {id} of '{item.Job}' was cancelled.");
    }

    /// <summary>Queue item <paramref name="id"/>, or "not found" when the caller may not read its job (as Jenkins hides it).</summary>
    private async Task<QueueItem> ReadableQueueItemAsync(long id, CancellationToken cancellationToken)
    {
        InRange(id, 1, long.MaxValue, nameof(id));
        var item = JenkinsMapper.ToQueueItem(await jenkins.GetQueueItemAsync(id, ItemTree, cancellationToken));
        _access.EnsureReadable(item.Job, JenkinsClient.QueueItemWhat(id));
        return item;
    }
}
