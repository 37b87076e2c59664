namespace McpAspire.JenkinsMock.Model;

/// <summary>hudson.model.Queue, at <c>/queue/</c>: items waiting to start, and recently left ones.</summary>
public sealed class QueueContents : IExportable
{
    /// <summary>Items not yet left, in arrival order.</summary>
    public List<QueueItem> Items { get; } = [];

    /// <summary>Left items (started or cancelled), kept a while so clients can follow them to their build.</summary>
    public Dictionary<long, QueueItem> LeftItems { get; } = [];

    public long NextId { get; set; } = 1;

    public string JenkinsClass => "hudson.model.Queue";

    public QueueItem? Find(long id) => Items.Find(item => item.Id == id) ?? LeftItems.GetValueOrDefault(id);

    public IEnumerable<Exported> Export(ExportContext context) =>
    [
        new("discoverableItems", Array.Empty<object>()),
        new("items", Items.Where(item => context.CanRead(item.Task)).ToList(), Inline: true),
    ];
}
