using McpAspire.JenkinsMock.Console;

namespace McpAspire.JenkinsMock.Model;

/// <summary>A run of a job (hudson.model.Run): result, timing, actions, console log, test report.</summary>
public abstract class Build(Job job, int number, long queueId, DateTimeOffset start, IReadOnlyList<ParameterValue> parameters, IReadOnlyList<Cause> causes) : IExportable
{
    public Job Job { get; } = job;

    public int Number { get; } = number;

    public long QueueId { get; } = queueId;

    public long TimestampMs { get; } = start.ToUnixTimeMilliseconds();

    public IReadOnlyList<ParameterValue> Parameters { get; } = parameters;

    public IReadOnlyList<Cause> Causes { get; } = causes;

    /// <summary>Null while the build runs.</summary>
    public string? Result { get; set; }

    public bool Building => Result is null;

    /// <summary>0 while the build runs.</summary>
    public long DurationMs { get; set; }

    public string? Description { get; set; }

    /// <summary>The node the build ran on: "" for the built-in node.</summary>
    public string BuiltOn { get; set; } = "";

    /// <summary>The raw console (notes included); a generated one for the large instance's huge log.</summary>
    public ConsoleLog Log { get; init; } = new InMemoryConsoleLog();

    public TestResult? TestReport { get; set; }

    public List<Artifact> Artifacts { get; } = [];

    public List<ChangeSetEntry> Changes { get; } = [];

    /// <summary>The executor it runs on (a one-off executor for a Pipeline run); null once finished.</summary>
    public Executor? Executor { get; set; }

    /// <summary>The agent executor a Pipeline run's <c>node {}</c> block holds; null before it got one and once finished.</summary>
    public Executor? AgentExecutor { get; set; }

    /// <summary>The simulation's plan for a running build: its remaining console lines and its end.</summary>
    public BuildPlan? Plan { get; set; }

    public abstract string JenkinsClass { get; }

    public string UrlPath => $"{Job.UrlPath}{Number.ToString(CultureInfo.InvariantCulture)}/";

    public string Url(ExportContext context) => context.RootUrl + UrlPath;

    public string DisplayName => $"#{Number.ToString(CultureInfo.InvariantCulture)}";

    public Build? PreviousBuild => Job.Builds.LastOrDefault(build => build.Number < Number);

    public Build? NextBuild => Job.Builds.Find(build => build.Number > Number);

    public IEnumerable<Culprit> Culprits => Changes.Select(change => change.Author).DistinctBy(author => author.Id);

    private IEnumerable<IExportable> Actions
    {
        get
        {
            if (Parameters.Count > 0)
            {
                yield return new ParametersAction(Parameters);
            }

            yield return new CauseAction(Causes);
            yield return EmptyAction.Instance;
            if (TestReport is { } report)
            {
                yield return new TestResultAction(report);
            }

            yield return EmptyAction.Instance;
        }
    }

    public abstract IEnumerable<Exported> Export(ExportContext context);

    /// <summary>The properties every run exports (hudson.model.Run), in Jenkins' order.</summary>
    protected IEnumerable<Exported> RunExport(ExportContext context) =>
    [
        new("actions", Actions.ToList()),
        new("artifacts", Artifacts),
        new("building", Building),
        new("description", Description),
        new("displayName", DisplayName),
        new("duration", DurationMs),
        new("estimatedDuration", Job.EstimatedDurationMs),
        new("executor", Executor),
        new("fullDisplayName", $"{Job.FullDisplayName} {DisplayName}"),
        new("id", Number.ToString(CultureInfo.InvariantCulture)),
        new("inProgress", Building),
        new("keepLog", false),
        new("number", Number, Visibility: 2),
        new("queueId", QueueId),
        new("result", Result),
        new("timestamp", TimestampMs),
        new("url", Url(context), Visibility: 2),
    ];

    /// <summary>Ends the build: result, duration, executor freed.</summary>
    public void Finish(string result, DateTimeOffset now)
    {
        Result = result;
        DurationMs = Math.Max(1, now.ToUnixTimeMilliseconds() - TimestampMs);
        Plan = null;
        Log.Complete();
        if (Executor is { } executor)
        {
            executor.CurrentBuild = null;
            executor.Owner.OneOffExecutors.Remove(executor);
            Executor = null;
        }

        if (AgentExecutor is { } agent)
        {
            agent.PlaceholderFor = null;
            AgentExecutor = null;
        }
    }
}

/// <summary>hudson.model.FreeStyleBuild.</summary>
public sealed class FreeStyleBuild(Job job, int number, long queueId, DateTimeOffset start, IReadOnlyList<ParameterValue> parameters, IReadOnlyList<Cause> causes)
    : Build(job, number, queueId, start, parameters, causes)
{
    public override string JenkinsClass => "hudson.model.FreeStyleBuild";

    public override IEnumerable<Exported> Export(ExportContext context) =>
    [
        .. RunExport(context),
        new("builtOn", BuiltOn),
        new("changeSet", new ChangeLogSet(Changes)),
        new("culprits", Culprits.ToList()),
    ];
}

/// <summary>org.jenkinsci.plugins.workflow.job.WorkflowRun (a Pipeline run).</summary>
public sealed class WorkflowRun(Job job, int number, long queueId, DateTimeOffset start, IReadOnlyList<ParameterValue> parameters, IReadOnlyList<Cause> causes)
    : Build(job, number, queueId, start, parameters, causes)
{
    public override string JenkinsClass => "org.jenkinsci.plugins.workflow.job.WorkflowRun";

    public override IEnumerable<Exported> Export(ExportContext context) =>
    [
        .. RunExport(context),
        new("changeSets", Changes.Count > 0 ? [new ChangeLogSet(Changes)] : Array.Empty<ChangeLogSet>()),
        new("culprits", Culprits.ToList()),
        new("nextBuild", NextBuild),
        new("previousBuild", PreviousBuild),
    ];
}

/// <summary>A running build's remaining script: lines still to write and the result it will end with.</summary>
public sealed class BuildPlan(IReadOnlyList<string> lines, string result, TestResult? testReport, DateTimeOffset firstLineAt)
{
    public IReadOnlyList<string> Lines { get; } = lines;

    public string Result { get; } = result;

    public TestResult? TestReport { get; } = testReport;

    public int NextLine { get; set; }

    public DateTimeOffset NextLineAt { get; set; } = firstLineAt;

    public bool Done => NextLine >= Lines.Count;
}
