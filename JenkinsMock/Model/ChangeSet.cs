namespace McpAspire.JenkinsMock.Model;

/// <summary>A person credited with changes (hudson.model.User as a culprit or change author).</summary>
public sealed record Culprit(string Id, string FullName) : IExportable
{
    public string? JenkinsClass => null;

    public IEnumerable<Exported> Export(ExportContext context) =>
    [
        new("absoluteUrl", $"{context.RootUrl}user/{Uri.EscapeDataString(Id)}", Visibility: 999),
        new("fullName", FullName, Visibility: 999),
    ];
}

/// <summary>One Git commit of a build's change set (hudson.plugins.git.GitChangeSet).</summary>
public sealed record ChangeSetEntry(string CommitId, string Message, Culprit Author, string AuthorEmail, long TimestampMs, IReadOnlyList<string> Paths) : IExportable
{
    public string JenkinsClass => "hudson.plugins.git.GitChangeSet";

    public IEnumerable<Exported> Export(ExportContext context) =>
    [
        new("affectedPaths", Paths, Visibility: 999),
        new("commitId", CommitId, Visibility: 999),
        new("timestamp", TimestampMs, Visibility: 999),
        new("author", Author, Visibility: 999),
        new("authorEmail", AuthorEmail, Visibility: 999),
        new("comment", Message + "\n", Visibility: 999),
        new("id", CommitId, Visibility: 999),
        new("msg", Message, Visibility: 999),
        new("paths", Paths.Select(path => new AffectedFile(path)).ToList(), Visibility: 999),
    ];

    private sealed record AffectedFile(string File) : IExportable
    {
        public string? JenkinsClass => null;

        public IEnumerable<Exported> Export(ExportContext context) =>
        [
            new("editType", "edit", Visibility: 999),
            new("file", File, Visibility: 999),
        ];
    }
}

/// <summary>A build's change log (GitChangeSetList, or EmptyChangeLogSet without commits).</summary>
public sealed class ChangeLogSet(IReadOnlyList<ChangeSetEntry> entries) : IExportable
{
    public string JenkinsClass => entries.Count == 0 ? "hudson.scm.EmptyChangeLogSet" : "hudson.plugins.git.GitChangeSetList";

    public IEnumerable<Exported> Export(ExportContext context) =>
    [
        new("items", entries, Visibility: 999),
        new("kind", entries.Count == 0 ? null : "git", Visibility: 999),
    ];
}

/// <summary>
/// An archived artifact of a build (hudson.model.Run.Artifact). <see cref="Text"/> is a text artifact's content; an
/// artifact without one is binary (a jar): its bytes are generated from its path.
/// </summary>
public sealed record Artifact(string RelativePath, string? Text = null) : IExportable
{
    /// <summary>The file's bytes, as <c>artifact/PATH</c> serves them.</summary>
    public byte[] Content() => Text is { } text
        ? System.Text.Encoding.UTF8.GetBytes(text)
        : [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x08, 0x00, .. System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(RelativePath))];

    public string? JenkinsClass => null;

    public IEnumerable<Exported> Export(ExportContext context) =>
    [
        new("displayPath", Path.GetFileName(RelativePath), Visibility: 3),
        new("fileName", Path.GetFileName(RelativePath), Visibility: 3),
        new("relativePath", RelativePath, Visibility: 3),
    ];
}
