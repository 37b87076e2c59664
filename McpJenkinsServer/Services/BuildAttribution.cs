using System.Threading.Channels;

namespace McpAspire.McpJenkinsServer.Services;

/// <summary>
/// Writes "requested by" into the description of builds the server queued without waiting for them: Jenkins gives
/// a build its number only when it leaves the queue, so the queue item is followed here, in the background, once a
/// second for up to <see cref="GiveUpAfter"/>. At most <see cref="Capacity"/> builds are followed; a restart of the
/// server forgets the ones still queued (their queue item and the audit log still name the requester).
/// </summary>
public sealed partial class BuildAttribution(IServiceScopeFactory scopes, TimeProvider time, ILogger<BuildAttribution> logger) : BackgroundService
{
    public const int Capacity = 1000;
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromMinutes(15);

    private readonly Channel<Pending> _incoming = Channel.CreateBounded<Pending>(new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropOldest });

    /// <summary>Follows a queue item and describes its build once it has a number.</summary>
    public void Follow(string job, long queueId, string description)
        => _incoming.Writer.TryWrite(new Pending(job, queueId, description, time.GetUtcNow() + GiveUpAfter));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var pending = new List<Pending>();
        using var timer = new PeriodicTimer(BuildLauncher.PollInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            while (pending.Count < Capacity && _incoming.Reader.TryRead(out var next))
            {
                pending.Add(next);
            }

            if (pending.Count == 0)
            {
                continue;
            }

            await using var scope = scopes.CreateAsyncScope();
            // The server's own follow-up of builds it started for callers already authorized: no caller's policy applies.
            // (Where no JenkinsAccess is registered, the client reads everything anyway.)
            scope.ServiceProvider.GetService<McpAspire.McpJenkinsServer.Authorization.JenkinsAccess>()?.ActAsServer();
            var jenkins = scope.ServiceProvider.GetRequiredService<JenkinsClient>();
            foreach (var item in pending.ToList())
            {
                if (await TryDescribeAsync(jenkins, item, stoppingToken) || time.GetUtcNow() > item.Deadline)
                {
                    pending.Remove(item);
                }
            }
        }
    }

    /// <summary>True when the item is settled: described, cancelled, or gone.</summary>
    private async Task<bool> TryDescribeAsync(JenkinsClient jenkins, Pending item, CancellationToken cancellationToken)
    {
        try
        {
            var queued = await jenkins.GetQueueItemAsync(item.QueueId, "cancelled,executable[number]", cancellationToken);
            if (queued.Cancelled == true)
            {
                return true;
            }

            if (queued.Executable?.Number is not { } number)
            {
                return false;
            }

            await jenkins.SetDescriptionAsync(item.Job, number, item.Description, cancellationToken);
            return true;
        }
        catch (JenkinsException exception) when (exception.Error is JenkinsError.NotFound or JenkinsError.PermissionDenied)
        {
            LogNotDescribed(logger, item.QueueId, exception.Error);
            return true;
        }
        catch (JenkinsException)
        {
            return false;
        }
    }

    private sealed record Pending(string Job, long QueueId, string Description, DateTimeOffset Deadline);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The build of queue item {QueueId} was not described with its requester: {Error}")]
    private static partial void LogNotDescribed(ILogger logger, long queueId, JenkinsError error);
}
