using static McpAspire.McpJenkinsServer.Tools.ToolArguments;

namespace McpAspire.McpJenkinsServer.Tools;

/// <summary>Console logs: read by pages or from the end, and search.</summary>
[McpServerToolType]
public sealed class BuildLogTools(JenkinsClient jenkins)
{
    [McpServerTool(Name = "get_build_log", Title = "Read a build's console log", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false, UseStructuredContent = true)]
    [Description("Reads a build's console log by pages: from a byte offset (pass next_offset back for the next page), or only the last lines with tail. Works while the build runs (has_more stays true until it ends).")]
    public async Task<BuildLogPage> GetBuildLog(
        [Description(JobDescription)] string job,
        [Description(BuildDescription)] string build = "lastBuild",
        [Description("Byte offset to start at (0 for the beginning; next_offset of the previous page to continue).")] long offset = 0,
        [Description("Maximum bytes to return, 1-1048576. Pages end on a line break when possible.")] int limit = 32_768,
        [Description("If set, return only the last this-many lines (1-5000) instead of a page from offset.")] int? tail = null,
        CancellationToken cancellationToken = default)
    {
        var fullName = JobName(job);
        build = Required(build, nameof(build));
        InRange(offset, 0, long.MaxValue, nameof(offset));
        InRange(limit, 1, 1_048_576, nameof(limit));
        var state = await jenkins.GetBuildAsync(fullName, build, "number,building", cancellationToken);
        var number = state.Number.ToString(System.Globalization.CultureInfo.InvariantCulture);

        if (tail is { } lines)
        {
            InRange(lines, 1, 5000, nameof(tail));
            return await TailAsync(fullName, number, state.Number, state.Building == true, lines, limit, cancellationToken);
        }

        var chunk = await jenkins.GetLogChunkAsync(fullName, number, offset, limit, cancellationToken);
        return new BuildLogPage(fullName, state.Number, offset, chunk.NextOffset, chunk.HasMore, state.Building == true, chunk.Text);
    }

    [McpServerTool(Name = "search_build_log", Title = "Search a build's console log", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false, UseStructuredContent = true)]
    [Description("Finds the lines of a build's console log that match a regular expression (.NET syntax, 1 s timeout per line), each with surrounding context lines and its line number. Good for locating errors in long logs.")]
    public async Task<LogSearchResult> SearchBuildLog(
        [Description(JobDescription)] string job,
        [Description("Regular expression to look for, e.g. 'ERROR|FAILED' or 'Exception: .*timeout'.")] string pattern,
        [Description(BuildDescription)] string build = "lastBuild",
        [Description("Match regardless of letter case.")] bool ignore_case = true,
        [Description("Lines of context before and after each match, 0-20.")] int context_lines = 2,
        [Description("Maximum matches to return, 1-500.")] int max_matches = 50,
        CancellationToken cancellationToken = default)
    {
        var fullName = JobName(job);
        build = Required(build, nameof(build));
        InRange(context_lines, 0, 20, nameof(context_lines));
        InRange(max_matches, 1, 500, nameof(max_matches));
        var state = await jenkins.GetBuildAsync(fullName, build, "number", cancellationToken);
        var number = state.Number.ToString(System.Globalization.CultureInfo.InvariantCulture);

        // Streamed: only the context window and the matches are kept, whatever the log's size.
        var (matches, searched, truncated) = await LogSearch.SearchAsync(
            jenkins.ReadLogLinesAsync(fullName, number, cancellationToken), pattern, ignore_case, context_lines, max_matches, cancellationToken);
        return new LogSearchResult(fullName, state.Number, pattern, searched, matches, truncated);
    }

    private async Task<BuildLogPage> TailAsync(string job, string build, int number, bool building, int lines, int limit, CancellationToken cancellationToken)
    {
        var tail = await jenkins.GetLogTailAsync(job, build, lines, cancellationToken);
        var text = string.Join('\n', tail.Lines);
        if (Encoding.UTF8.GetByteCount(text) > limit)
        {
            // Keep the end: a tail is read for its last lines.
            var bytes = Encoding.UTF8.GetBytes(text);
            var start = bytes.Length - limit;
            while (start < bytes.Length && (bytes[start] & 0xC0) == 0x80)
            {
                start++;
            }

            text = Encoding.UTF8.GetString(bytes, start, bytes.Length - start);
        }

        return new BuildLogPage(job, number, tail.Offset, tail.Size, tail.StillWriting, building, text);
    }
}
