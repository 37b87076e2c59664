namespace McpAspire.Tests.Common;

/// <summary>
/// A resource's log lines (from its start: the shared app's log holds every earlier test's lines too), collected from
/// construction until disposal. A test awaits the line its own action causes (one that names its own user or client,
/// never a line any test could have written), then knows the log has caught up with it.
/// </summary>
public sealed class LogWatch : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<string> _lines = [];
    private readonly List<Wait> _waits = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly string _resourceName;
    private readonly Task _watching;

    public LogWatch(DistributedApplicationFixture app, string resourceName)
    {
        ArgumentNullException.ThrowIfNull(app);
        _resourceName = resourceName;
        _watching = app.WatchLogAsync(resourceName, Add, _stop.Token);
    }

    /// <summary>The lines collected so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>Returns once a line that satisfies <paramref name="condition"/> is in (at once if one is); throws after <paramref name="timeout"/>.</summary>
    public Task WaitForLineAsync(Func<string, bool> condition, TimeSpan timeout) => WaitForLinesAsync(condition, 1, timeout);

    /// <summary>Returns once <paramref name="count"/> lines satisfy <paramref name="condition"/> (at once if they do); throws after <paramref name="timeout"/>.</summary>
    public async Task WaitForLinesAsync(Func<string, bool> condition, int count, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var wait = new Wait(condition);
        lock (_gate)
        {
            wait.Missing = count - _lines.Count(condition);
            if (wait.Missing <= 0)
            {
                return;
            }

            _waits.Add(wait);
        }

        try
        {
            await wait.Seen.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The lines awaited did not reach {_resourceName}'s log within {timeout}.");
        }
    }

    private void Add(string line)
    {
        lock (_gate)
        {
            _lines.Add(line);
            foreach (var wait in _waits.Where(wait => wait.Condition(line)).ToList())
            {
                if (--wait.Missing == 0)
                {
                    _waits.Remove(wait);
                    wait.Seen.TrySetResult();
                }
            }
        }
    }

    private sealed class Wait(Func<string, bool> condition)
    {
        public Func<string, bool> Condition { get; } = condition;

        public int Missing { get; set; }

        public TaskCompletionSource Seen { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _watching;
        _stop.Dispose();
    }
}
