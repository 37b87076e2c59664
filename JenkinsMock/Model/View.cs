namespace McpAspire.JenkinsMock.Model;

/// <summary>A view of an item group: the "all" view (hudson.model.AllView) or a list view (hudson.model.ListView).</summary>
public sealed class View(string name, IItemGroup owner, Func<Item, bool>? filter, string? description = null) : IExportable
{
    public static View All(IItemGroup owner, string name) => new(name, owner, filter: null);

    public string Name { get; } = name;

    public string? Description { get; } = description;

    public string JenkinsClass => filter is null ? "hudson.model.AllView" : "hudson.model.ListView";

    public IEnumerable<Item> Jobs => filter is null ? owner.Items : owner.Items.Where(filter);

    /// <summary>The primary view lives at its owner's URL; the others under <c>view/NAME/</c>.</summary>
    public string UrlPath => ReferenceEquals(owner.PrimaryView, this) ? owner.UrlPath : $"{owner.UrlPath}view/{Uri.EscapeDataString(Name)}/";

    public IEnumerable<Exported> Export(ExportContext context) =>
    [
        new("description", Description),
        new("jobs", Jobs.Where(context.CanRead).ToList()),
        new("name", Name, Visibility: 2),
        new("property", Array.Empty<object>()),
        new("url", context.RootUrl + UrlPath, Visibility: 2),
    ];
}
