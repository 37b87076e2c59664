namespace McpAspire.JenkinsMock.Model;

/// <summary>A CloudBees folder: nests items as <c>/job/a/job/b/</c>, has its own views.</summary>
public class Folder : Item, IItemGroup
{
    public Folder(string name, IItemGroup parent) : base(name, parent)
    {
        PrimaryView = View.All(this, "All");
        Views.Add(PrimaryView);
    }

    public override string JenkinsClass => "com.cloudbees.hudson.plugins.folder.Folder";

    public string FullNamePrefix => FullName + "/";

    public List<Item> Items { get; } = [];

    public List<View> Views { get; } = [];

    public View PrimaryView { get; }

    /// <summary>A folder reports the worst health of what it contains.</summary>
    public IEnumerable<HealthReport> HealthReports =>
        Items.SelectMany(item => item switch
            {
                Job job => job.HealthReports,
                Folder folder => folder.HealthReports,
                _ => [],
            })
            .OrderBy(report => report.Score)
            .Take(1);

    public override IEnumerable<Exported> Export(ExportContext context) =>
    [
        .. ItemProperties(context, [EmptyAction.Instance, EmptyAction.Instance]),
        new("healthReport", HealthReports.ToList()),
        new("jobs", Items.Where(context.CanRead).ToList()),
        new("primaryView", PrimaryView),
        new("views", Views),
    ];
}
