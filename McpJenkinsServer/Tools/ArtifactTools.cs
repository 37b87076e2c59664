using static McpAspire.McpJenkinsServer.Tools.ToolArguments;

namespace McpAspire.McpJenkinsServer.Tools;

/// <summary>Files a build archived (archiveArtifacts): listed, and text ones read from their start, bounded.</summary>
[McpServerToolType]
public sealed class ArtifactTools(JenkinsClient jenkins)
{
    [McpServerTool(Name = "list_artifacts", Title = "List a build's artifacts", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false, UseStructuredContent = true)]
    [Description("Lists the files a build archived, with the path to pass to read_artifact and their download URL.")]
    public async Task<ArtifactList> ListArtifacts(
        [Description(JobDescription)] string job,
        [Description(BuildDescription)] string build = "lastSuccessfulBuild",
        CancellationToken cancellationToken = default)
    {
        var fullName = JobName(job);
        var dto = await jenkins.GetBuildAsync(fullName, Required(build, nameof(build)), "number,url,artifacts[fileName,relativePath]", cancellationToken);
        return new ArtifactList(fullName, dto.Number,
            [.. (dto.Artifacts ?? []).Where(a => a.RelativePath is not null).Select(a => new ArtifactInfo(a.RelativePath!, a.FileName, $"{dto.Url}artifact/{a.RelativePath}"))]);
    }

    [McpServerTool(Name = "read_artifact", Title = "Read a text artifact", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false, UseStructuredContent = true)]
    [Description("Reads the start of a text file a build archived (reports, build info, logs), at most max_bytes. Binary files (archives, images) are refused.")]
    public async Task<ArtifactText> ReadArtifact(
        [Description(JobDescription)] string job,
        [Description("The artifact's path as list_artifacts shows it, e.g. 'target/build-info.txt'.")] string path,
        [Description(BuildDescription)] string build = "lastSuccessfulBuild",
        [Description("Maximum bytes to return, 1-1048576.")] int max_bytes = 65_536,
        CancellationToken cancellationToken = default)
    {
        var fullName = JobName(job);
        path = Required(path, nameof(path)).TrimStart('/');
        if (path.Split('/').Any(segment => segment is "" or "." or ".."))
        {
            throw new McpProtocolException($"'{path}' is not an artifact path: use the path list_artifacts shows.", McpErrorCode.InvalidParams);
        }

        InRange(max_bytes, 1, 1_048_576, nameof(max_bytes));
        var number = (await jenkins.GetBuildAsync(fullName, Required(build, nameof(build)), "number", cancellationToken)).Number;
        var (bytes, truncated, contentType) = await jenkins.ReadArtifactAsync(fullName, number, path, max_bytes, cancellationToken);

        // A NUL byte in the first 8 KB is what git and grep take for "binary", too.
        if (bytes.AsSpan(0, Math.Min(bytes.Length, 8192)).Contains((byte)0))
        {
            throw new JenkinsException(JenkinsError.Rejected, $"Artifact '{path}' of build #{number} is binary ({contentType ?? "unknown type"}); only text artifacts can be read. Its URL is in list_artifacts.");
        }

        // A cut inside a UTF-8 character decodes as U+FFFD: drop it rather than show it.
        var text = Encoding.UTF8.GetString(bytes);
        return new ArtifactText(fullName, number, path, contentType, truncated ? text.TrimEnd('\uFFFD') : text, truncated);
    }
}
