namespace McpAspire.McpJenkinsServer.Services;

/// <summary>Turns job full names (<c>team/app</c>) into Jenkins URL paths (<c>job/team/job/app/</c>) and back.</summary>
public static class JenkinsPaths
{
    private const int MaxSegments = 20;

    /// <summary>The relative path of a job, ending with a slash. Rejects names Jenkins cannot have, as invalid params.</summary>
    public static string JobPath(string fullName)
    {
        var segments = SplitFullName(fullName, allowEmpty: false);
        var path = new StringBuilder();
        foreach (var segment in segments)
        {
            path.Append("job/").Append(Uri.EscapeDataString(segment)).Append('/');
        }

        return path.ToString();
    }

    /// <summary>The relative path of a folder (the root when empty).</summary>
    public static string FolderPath(string? folder)
        => string.IsNullOrWhiteSpace(folder) ? "" : JobPath(folder);

    /// <summary>The normalized full name (no leading or trailing slash).</summary>
    public static string Normalize(string? fullName)
        => string.Join('/', SplitFullName(fullName ?? "", allowEmpty: true));

    /// <summary>A job's full name from its Jenkins URL (<c>.../job/a/job/b/</c> gives <c>a/b</c>); null when the URL names no job.</summary>
    public static string? FullNameFromUrl(string? url)
    {
        if (string.IsNullOrEmpty(url) || !Uri.TryCreate(url, UriKind.RelativeOrAbsolute, out var uri))
        {
            return null;
        }

        var path = uri.IsAbsoluteUri ? uri.AbsolutePath : url.Split('?', '#')[0];
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var names = new List<string>();
        for (var i = 0; i < parts.Length - 1; i++)
        {
            if (parts[i] == "job")
            {
                names.Add(Uri.UnescapeDataString(parts[++i]));
            }
        }

        return names.Count == 0 ? null : string.Join('/', names);
    }

    private static string[] SplitFullName(string fullName, bool allowEmpty)
    {
        var segments = fullName.Trim().Trim('/').Split('/', StringSplitOptions.TrimEntries);
        if (segments is [""])
        {
            return allowEmpty ? [] : throw InvalidName("The job name is empty.");
        }

        if (segments.Length > MaxSegments)
        {
            throw InvalidName($"The job name has more than {MaxSegments} folder levels.");
        }

        foreach (var segment in segments)
        {
            if (segment.Length == 0 || segment is "." or ".." || segment.Any(char.IsControl))
            {
                throw InvalidName($"'{fullName}' is not a job name: use the full name with '/' between folders, e.g. 'team/app'.");
            }
        }

        return segments;
    }

    private static McpProtocolException InvalidName(string message) => new(message, McpErrorCode.InvalidParams);
}
