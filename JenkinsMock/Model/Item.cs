namespace McpAspire.JenkinsMock.Model;

/// <summary>Something that holds items and views: the Jenkins root or a folder.</summary>
public interface IItemGroup
{
    /// <summary>The path below the root URL, "" for the root, "job/a/" for a folder.</summary>
    string UrlPath { get; }

    /// <summary>The prefix of its children's full names, "" for the root, "a/" for folder a.</summary>
    string FullNamePrefix { get; }

    List<Item> Items { get; }

    List<View> Views { get; }

    View PrimaryView { get; }
}

/// <summary>A top-level or folder item (hudson.model.AbstractItem): a job or a folder.</summary>
public abstract class Item(string name, IItemGroup parent) : IExportable
{
    public string Name { get; } = name;

    public IItemGroup Parent { get; } = parent;

    public string? Description { get; set; }

    public string? DisplayNameOrNull { get; set; }

    public string FullName => Parent.FullNamePrefix + Name;

    public string DisplayName => DisplayNameOrNull ?? Name;

    public string FullDisplayName => Parent is Folder folder ? $"{folder.FullDisplayName} » {DisplayName}" : DisplayName;

    public string UrlPath => $"{Parent.UrlPath}job/{Uri.EscapeDataString(Name)}/";

    public string Url(ExportContext context) => context.RootUrl + UrlPath;

    public abstract string JenkinsClass { get; }

    public abstract IEnumerable<Exported> Export(ExportContext context);

    /// <summary>The properties every item exports (AbstractItem), in Jenkins' order.</summary>
    protected IEnumerable<Exported> ItemProperties(ExportContext context, IEnumerable<IExportable> actions) =>
    [
        new("actions", actions),
        new("description", Description),
        new("displayName", DisplayName),
        new("displayNameOrNull", DisplayNameOrNull),
        new("fullDisplayName", FullDisplayName),
        new("fullName", FullName),
        new("name", Name, Visibility: 999),
        new("url", Url(context), Visibility: 999),
    ];
}
