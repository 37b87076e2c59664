namespace McpAspire.McpJenkinsServer.Tools;

/// <summary>Argument checks shared by the tools: a bad argument is the caller's mistake, so it is an invalid-params error.</summary>
internal static class ToolArguments
{
    public const string JobDescription = "Full name of the job, with '/' between folders, e.g. 'team/app/build' (as list_jobs shows it).";
    public const string BuildDescription = "Build number, or a permalink: lastBuild, lastCompletedBuild, lastSuccessfulBuild, lastFailedBuild, lastStableBuild, lastUnstableBuild, lastUnsuccessfulBuild.";

    public static int InRange(int value, int min, int max, string name)
        => value >= min && value <= max
            ? value
            : throw new McpProtocolException($"'{name}' must be between {min} and {max} (was {value}).", McpErrorCode.InvalidParams);

    public static long InRange(long value, long min, long max, string name)
        => value >= min && value <= max
            ? value
            : throw new McpProtocolException($"'{name}' must be between {min} and {max} (was {value}).", McpErrorCode.InvalidParams);

    /// <summary>The job argument of every job and build tool: required, and normalized to the full name Jenkins' URLs are built from.</summary>
    public static string JobName(string? job) => JenkinsPaths.Normalize(Required(job, "job"));

    public static string Required(string? value, string name)
        => string.IsNullOrWhiteSpace(value)
            ? throw new McpProtocolException($"'{name}' is required.", McpErrorCode.InvalidParams)
            : value.Trim();
}
