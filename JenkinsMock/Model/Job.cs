namespace McpAspire.JenkinsMock.Model;

/// <summary>
/// A buildable job (hudson.model.Job with ParameterizedJobMixIn): its build history, permalinks,
/// parameters and how its simulated builds behave.
/// </summary>
public abstract class Job(string name, IItemGroup parent, BuildRecipe recipe) : Item(name, parent)
{
    /// <summary>The newest builds Jenkins lists under <c>builds</c>; older ones only via <c>allBuilds</c>.</summary>
    public const int NewestBuildsShown = 100;

    /// <summary>The permalinks a build URL may use instead of a number (PermalinkProjectAction.Permalink.BUILTIN).</summary>
    public static readonly IReadOnlySet<string> Permalinks = new HashSet<string>(StringComparer.Ordinal)
    {
        "lastBuild", "lastStableBuild", "lastSuccessfulBuild", "lastFailedBuild",
        "lastUnstableBuild", "lastUnsuccessfulBuild", "lastCompletedBuild",
    };

    /// <summary>Builds, oldest first.</summary>
    public List<Build> Builds { get; } = [];

    public int NextBuildNumber { get; set; } = 1;

    public bool Disabled { get; set; }

    public bool ConcurrentBuild { get; set; }

    /// <summary>A QueueDecisionHandler (a release freeze, a throttling plugin) refuses every request to queue this job.</summary>
    public bool QueueVetoed { get; set; }

    public List<ParameterDefinition> ParameterDefinitions { get; } = [];

    /// <summary>Queue items of this job not yet left (at most one per distinct parameter set).</summary>
    public List<QueueItem> QueueItems { get; } = [];

    /// <summary>How the simulated builds of this job log and end.</summary>
    public BuildRecipe Recipe { get; } = recipe;

    public bool IsParameterized => ParameterDefinitions.Count > 0;

    public bool Buildable => !Disabled;

    public IEnumerable<Build> NewestFirst => Enumerable.Reverse(Builds);

    public Build? LastBuild => Builds.Count > 0 ? Builds[^1] : null;

    public Build? LastCompletedBuild => NewestFirst.FirstOrDefault(build => !build.Building);

    public Build? LastWithResult(Func<string?, bool> accept) => NewestFirst.FirstOrDefault(build => !build.Building && accept(build.Result));

    public bool IsBuilding => NewestFirst.Any(build => build.Building);

    public IEnumerable<HealthReport> HealthReports => HealthReport.ForBuilds(NewestFirst) is { } report ? [report] : [];

    /// <summary>Jenkins' estimate: the mean duration of the last three successful or unstable builds, -1 without history.</summary>
    public long EstimatedDurationMs
    {
        get
        {
            var recent = NewestFirst.Where(build => build.Result is BuildResult.Success or BuildResult.Unstable).Take(3).ToList();
            if (recent.Count == 0)
            {
                recent = NewestFirst.Where(build => !build.Building).Take(3).ToList();
            }

            return recent.Count == 0 ? -1 : (long)recent.Average(build => build.DurationMs);
        }
    }

    /// <summary>BallColor: the last completed result, <c>_anime</c> while a build runs, <c>disabled</c> when disabled.</summary>
    public string Color
    {
        get
        {
            if (Disabled)
            {
                return "disabled";
            }

            var color = BuildResult.Color(LastCompletedBuild?.Result);
            return IsBuilding ? color + "_anime" : color;
        }
    }

    /// <summary>A build by number or permalink (<c>lastBuild</c>, <c>lastSuccessfulBuild</c>, ...), or null.</summary>
    public Build? ResolveBuild(string token)
    {
        if (int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return Builds.Find(build => build.Number == number);
        }

        return token switch
        {
            "lastBuild" => LastBuild,
            "lastCompletedBuild" => LastCompletedBuild,
            "lastStableBuild" => LastWithResult(result => result == BuildResult.Success),
            "lastSuccessfulBuild" => LastWithResult(result => result is BuildResult.Success or BuildResult.Unstable),
            "lastFailedBuild" => LastWithResult(result => result == BuildResult.Failure),
            "lastUnstableBuild" => LastWithResult(result => result == BuildResult.Unstable),
            "lastUnsuccessfulBuild" => LastWithResult(result => result != BuildResult.Success),
            _ => null,
        };
    }

    protected IEnumerable<IExportable> JobProperties =>
        IsParameterized ? [new ParametersDefinitionProperty(ParameterDefinitions)] : [];

    /// <summary>The properties every job exports (AbstractItem, then Job), in Jenkins' order.</summary>
    protected IEnumerable<Exported> JobExport(ExportContext context) =>
    [
        .. ItemProperties(context, [.. JobProperties, EmptyAction.Instance, EmptyAction.Instance]),
        new("buildable", Buildable),
        new("builds", NewestFirst.Take(NewestBuildsShown).ToList()),
        new("allBuilds", NewestFirst.ToList(), Visibility: -2),
        new("color", Color, Visibility: 2),
        new("firstBuild", Builds.Count > 0 ? Builds[0] : null),
        new("healthReport", HealthReports.ToList()),
        new("inQueue", QueueItems.Count > 0),
        new("keepDependencies", false),
        new("lastBuild", LastBuild),
        new("lastCompletedBuild", LastCompletedBuild),
        new("lastFailedBuild", ResolveBuild("lastFailedBuild")),
        new("lastStableBuild", ResolveBuild("lastStableBuild")),
        new("lastSuccessfulBuild", ResolveBuild("lastSuccessfulBuild")),
        new("lastUnstableBuild", ResolveBuild("lastUnstableBuild")),
        new("lastUnsuccessfulBuild", ResolveBuild("lastUnsuccessfulBuild")),
        new("nextBuildNumber", NextBuildNumber),
        new("property", JobProperties, Inline: true),
        new("queueItem", QueueItems.Count > 0 ? QueueItems[0] : null),
    ];

    /// <summary>Creates the run object of this job's type.</summary>
    public abstract Build CreateBuild(int number, QueueItem item, DateTimeOffset start, string builtOn);
}

/// <summary>hudson.model.FreeStyleProject.</summary>
public sealed class FreeStyleProject(string name, IItemGroup parent, BuildRecipe recipe) : Job(name, parent, recipe)
{
    public override string JenkinsClass => "hudson.model.FreeStyleProject";

    public string? LabelExpression { get; set; }

    public override IEnumerable<Exported> Export(ExportContext context) =>
    [
        .. JobExport(context),
        new("concurrentBuild", ConcurrentBuild),
        new("disabled", Disabled),
        new("downstreamProjects", Array.Empty<object>()),
        new("labelExpression", LabelExpression),
        new("scm", NullScm.Instance),
        new("upstreamProjects", Array.Empty<object>()),
    ];

    public override Build CreateBuild(int number, QueueItem item, DateTimeOffset start, string builtOn)
        => new FreeStyleBuild(this, number, item.Id, start, item.Parameters, item.Causes) { BuiltOn = builtOn };

    private sealed class NullScm : IExportable
    {
        public static readonly NullScm Instance = new();

        public string JenkinsClass => "hudson.scm.NullSCM";

        public IEnumerable<Exported> Export(ExportContext context) => [];
    }
}

/// <summary>org.jenkinsci.plugins.workflow.job.WorkflowJob (a Pipeline).</summary>
public sealed class WorkflowJob(string name, IItemGroup parent, BuildRecipe recipe) : Job(name, parent, recipe)
{
    public override string JenkinsClass => "org.jenkinsci.plugins.workflow.job.WorkflowJob";

    /// <summary>The label of the script's <c>node(label) {}</c> block: a run waits for an agent carrying it.</summary>
    public string AgentLabel { get; init; } = "linux";

    public override IEnumerable<Exported> Export(ExportContext context) =>
    [
        .. JobExport(context),
        new("disabled", Disabled),
        new("concurrentBuild", ConcurrentBuild),
        new("resumeBlocked", false),
    ];

    public override Build CreateBuild(int number, QueueItem item, DateTimeOffset start, string builtOn)
        => new WorkflowRun(this, number, item.Id, start, item.Parameters, item.Causes) { BuiltOn = builtOn };
}
