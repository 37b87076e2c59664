namespace McpAspire.JenkinsMock.Model;

/// <summary>An action with nothing to show: Jenkins writes it as <c>{}</c>.</summary>
public sealed class EmptyAction : IExportable
{
    public static readonly EmptyAction Instance = new();

    public string? JenkinsClass => null;

    public IEnumerable<Exported> Export(ExportContext context) => [];
}
