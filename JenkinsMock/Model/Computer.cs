namespace McpAspire.JenkinsMock.Model;

/// <summary>A node's computer (hudson.model.Computer): the built-in node or an agent, with its executors.</summary>
public sealed class Computer : IExportable
{
    public Computer(string name, string description, int numExecutors, IReadOnlyList<string> labels)
    {
        Name = name;
        Description = description;
        Labels = labels;
        Executors = Enumerable.Range(0, numExecutors).Select(number => new Executor(this, number)).ToList();
    }

    /// <summary>"" for the built-in node.</summary>
    public string Name { get; }

    public string Description { get; }

    public IReadOnlyList<string> Labels { get; }

    public List<Executor> Executors { get; }

    /// <summary>
    /// Computer.oneOffExecutors: OneOffExecutors (number -1) made on demand for flyweight tasks, such as a Pipeline
    /// run itself (WorkflowRun runs on the built-in node without taking one of its executors).
    /// </summary>
    public List<Executor> OneOffExecutors { get; } = [];

    public bool IsBuiltIn => Name.Length == 0;

    public string DisplayName => IsBuiltIn ? "Built-In Node" : Name;

    public bool TemporarilyOffline { get; set; }

    public string OfflineCauseReason { get; set; } = "";

    public bool Offline => TemporarilyOffline;

    public bool Idle => Executors.TrueForAll(executor => executor.Idle) && OneOffExecutors.TrueForAll(executor => executor.Idle);

    public string UrlPath => $"computer/{(IsBuiltIn ? "(built-in)" : Uri.EscapeDataString(Name))}/";

    public string JenkinsClass => IsBuiltIn ? "hudson.model.Hudson$MasterComputer" : "hudson.slaves.SlaveComputer";

    public IEnumerable<Exported> Export(ExportContext context) =>
    [
        new("actions", Array.Empty<object>()),
        new("assignedLabels", Labels.Select(label => new LabelAtom(label)).ToList()),
        new("description", Description),
        new("displayName", DisplayName),
        new("executors", Executors),
        new("icon", Offline ? "symbol-computer-disconnected" : "symbol-computer"),
        new("iconClassName", Offline ? "symbol-computer-disconnected" : "symbol-computer"),
        new("idle", Idle),
        new("jnlpAgent", !IsBuiltIn),
        new("launchSupported", true),
        new("manualLaunchAllowed", true),
        new("numExecutors", Executors.Count),
        new("offline", Offline),
        new("offlineCause", Offline ? new OfflineCause(OfflineCauseReason) : null),
        new("offlineCauseReason", OfflineCauseReason),
        new("oneOffExecutors", OneOffExecutors),
        new("temporarilyOffline", TemporarilyOffline),
    ];

    private sealed record LabelAtom(string Name) : IExportable
    {
        public string? JenkinsClass => null;

        public IEnumerable<Exported> Export(ExportContext context) => [new("name", Name, Visibility: 2)];
    }

    private sealed record OfflineCause(string Reason) : IExportable
    {
        public string JenkinsClass => "hudson.slaves.OfflineCause$UserCause";

        public IEnumerable<Exported> Export(ExportContext context) => [new("description", Reason)];
    }
}

/// <summary>An executor slot of a computer (hudson.model.Executor).</summary>
public sealed class Executor(Computer owner, int number) : IExportable
{
    public Computer Owner { get; } = owner;

    public int Number { get; } = number;

    /// <summary>A build running on this executor itself (a freestyle build, or a Pipeline run on a one-off executor).</summary>
    public Build? CurrentBuild { get; set; }

    /// <summary>The Pipeline run whose <c>node {}</c> block holds this executor (ExecutorStepExecution.PlaceholderTask).</summary>
    public Build? PlaceholderFor { get; set; }

    public bool Idle => CurrentBuild is null && PlaceholderFor is null;

    public string? JenkinsClass => null;

    /// <summary>Percent done against the job's estimate, -1 when idle or without estimate.</summary>
    public int Progress(DateTimeOffset now)
    {
        if ((CurrentBuild ?? PlaceholderFor) is not { } build || build.Job.EstimatedDurationMs <= 0)
        {
            return -1;
        }

        var elapsed = now.ToUnixTimeMilliseconds() - build.TimestampMs;
        return (int)Math.Min(99, elapsed * 100 / build.Job.EstimatedDurationMs);
    }

    /// <summary>Executor.getCurrentExecutableForApi: the executable, or null when the user may not read its job.</summary>
    private IExportable? Executable(ExportContext context) => (CurrentBuild, PlaceholderFor) switch
    {
        ({ } build, _) => context.CanRead(build.Job) ? build : null,
        (_, { } run) => context.CanRead(run.Job) ? new PlaceholderExecutable(run) : null,
        _ => null,
    };

    public IEnumerable<Exported> Export(ExportContext context) =>
    [
        new("currentExecutable", Executable(context)),
        new("idle", Idle),
        new("likelyStuck", false),
        new("number", Number),
        new("progress", Progress(context.Now)),
    ];
}

/// <summary>hudson.model.ComputerSet, at <c>/computer/</c>.</summary>
public sealed class ComputerSet : IExportable
{
    public List<Computer> Computers { get; } = [];

    public string JenkinsClass => "hudson.model.ComputerSet";

    public IEnumerable<Executor> OnlineExecutors => Computers.Where(computer => !computer.Offline).SelectMany(computer => computer.Executors);

    public Computer? Find(string name) => Computers.Find(computer => name == "(built-in)" ? computer.IsBuiltIn : computer.Name == name);

    public IEnumerable<Exported> Export(ExportContext context) =>
    [
        new("busyExecutors", OnlineExecutors.Count(executor => !executor.Idle)),
        new("computer", Computers, Inline: true),
        new("displayName", "Nodes"),
        new("totalExecutors", OnlineExecutors.Count()),
    ];
}
