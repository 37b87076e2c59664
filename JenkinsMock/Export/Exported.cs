namespace McpAspire.JenkinsMock.Export;

/// <summary>
/// One property of an exported object, as Jenkins' <c>@Exported</c> annotation describes it:
/// its JSON name, its value, the visibility that decides at which nesting depth it still shows,
/// and whether it is inlined (shown at its owner's depth instead of one level deeper).
/// </summary>
public readonly record struct Exported(string Name, object? Value, int Visibility = 1, bool Inline = false);

/// <summary>
/// What exported objects need to render themselves: the absolute root URL (ends with "/"), the current time, and
/// which items the requesting user may read (Jenkins leaves the others out of every list it exports).
/// </summary>
public sealed record ExportContext(string RootUrl, DateTimeOffset Now, Func<Model.Item, bool> CanRead)
{
    public ExportContext(string rootUrl, DateTimeOffset now)
        : this(rootUrl, now, _ => true)
    {
    }
}

/// <summary>
/// An object the remote API can show (Jenkins' <c>@ExportedBean</c>). Values may be primitives,
/// strings, null, other <see cref="IExportable"/>s or sequences of them.
/// </summary>
public interface IExportable
{
    /// <summary>The Java class name written as <c>_class</c>; null where Jenkins omits it (final, declared types).</summary>
    string? JenkinsClass { get; }

    IEnumerable<Exported> Export(ExportContext context);
}
