namespace McpAspire.JenkinsMock.Services;

/// <summary>
/// The one running Jenkins instance. Requests and the background executor share its object graph,
/// so every access goes through <see cref="Use{T}"/>, which holds a single lock: the mock's state
/// is small, and one lock keeps every answer consistent (a build and its queue item never disagree).
/// </summary>
public sealed class JenkinsInstance
{
    private readonly Lock _gate = new();
    private readonly InstanceSeeder _seeder;
    private readonly TimeProvider _time;
    private JenkinsRoot _root;

    public JenkinsInstance(InstanceSeeder seeder, TimeProvider time)
    {
        _seeder = seeder;
        _time = time;
        _root = seeder.Create(time.GetUtcNow());
    }

    public DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>Runs <paramref name="action"/> on the instance under the lock, with the current time.</summary>
    public T Use<T>(Func<JenkinsRoot, DateTimeOffset, T> action)
    {
        lock (_gate)
        {
            return action(_root, _time.GetUtcNow());
        }
    }

    /// <summary>Replaces the whole instance by a freshly seeded one (the dashboard's reset button).</summary>
    public void Reset()
    {
        var fresh = _seeder.Create(_time.GetUtcNow());
        lock (_gate)
        {
            _root = fresh;
        }
    }
}
