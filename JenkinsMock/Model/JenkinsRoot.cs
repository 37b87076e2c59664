namespace McpAspire.JenkinsMock.Model;

/// <summary>The Jenkins instance itself (hudson.model.Hudson), at <c>/</c>: items, views, nodes and the queue.</summary>
public sealed class JenkinsRoot : IItemGroup, IExportable
{
    public JenkinsRoot(bool useCrumbs, Computer builtInNode)
    {
        UseCrumbs = useCrumbs;
        PrimaryView = View.All(this, "all");
        Views.Add(PrimaryView);
        Computers.Computers.Add(builtInNode);
    }

    public bool UseCrumbs { get; }

    public string UrlPath => "";

    public string FullNamePrefix => "";

    public List<Item> Items { get; } = [];

    public List<View> Views { get; } = [];

    public View PrimaryView { get; }

    public ComputerSet Computers { get; } = new();

    public QueueContents Queue { get; } = new();

    public string JenkinsClass => "hudson.model.Hudson";

    /// <summary>All jobs, also those inside folders.</summary>
    public IEnumerable<Job> AllJobs => AllItems(Items).OfType<Job>();

    private static IEnumerable<Item> AllItems(IEnumerable<Item> items)
        => items.SelectMany(item => item is Folder folder ? [item, .. AllItems(folder.Items)] : new[] { item });

    public IEnumerable<Exported> Export(ExportContext context) =>
    [
        new("assignedLabels", new[] { new BuiltInLabel() }),
        new("mode", "NORMAL"),
        new("nodeDescription", "the Jenkins controller's built-in node"),
        new("nodeName", ""),
        new("numExecutors", Computers.Computers.Find(computer => computer.IsBuiltIn)?.Executors.Count ?? 0),
        new("description", null),
        new("jobs", Items.Where(context.CanRead).ToList()),
        new("overallLoad", new LoadStatistics(null)),
        new("primaryView", PrimaryView),
        new("quietDownReason", null),
        new("quietingDown", false),
        new("slaveAgentPort", -1),
        new("unlabeledLoad", new LoadStatistics("jenkins.model.UnlabeledLoadStatistics")),
        new("url", context.RootUrl),
        new("useCrumbs", UseCrumbs),
        new("useSecurity", true),
        new("views", Views),
    ];

    private sealed class BuiltInLabel : IExportable
    {
        public string? JenkinsClass => null;

        public IEnumerable<Exported> Export(ExportContext context) => [new("name", "built-in", Visibility: 2)];
    }

    private sealed record LoadStatistics(string? JenkinsClass) : IExportable
    {
        public IEnumerable<Exported> Export(ExportContext context) => [];
    }
}
