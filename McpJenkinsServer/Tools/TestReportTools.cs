using static McpAspire.McpJenkinsServer.Tools.ToolArguments;

namespace McpAspire.McpJenkinsServer.Tools;

/// <summary>JUnit test reports.</summary>
[McpServerToolType]
public sealed class TestReportTools(JenkinsClient jenkins)
{
    private static readonly string[] FailureStatuses = ["FAILED", "REGRESSION"];

    [McpServerTool(Name = "get_test_report", Title = "Get a build's test report", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false, UseStructuredContent = true)]
    [Description("Returns a build's test results (JUnit): pass/fail/skip counts and test cases with error details and stack traces, paged (offset, limit, next_offset); with failures_only, just the failing cases.")]
    public async Task<TestReport> GetTestReport(
        [Description(JobDescription)] string job,
        [Description(BuildDescription)] string build = "lastCompletedBuild",
        [Description("Return only failing test cases (FAILED or REGRESSION).")] bool failures_only = false,
        [Description("Maximum test cases to return, 1-2000.")] int limit = 200,
        [Description("Number of (matching) test cases to skip; pass next_offset of the previous page.")] int offset = 0,
        CancellationToken cancellationToken = default)
    {
        var fullName = JobName(job);
        build = Required(build, nameof(build));
        InRange(limit, 1, 2000, nameof(limit));
        InRange(offset, 0, int.MaxValue, nameof(offset));
        var number = (await jenkins.GetBuildAsync(fullName, build, "number", cancellationToken)).Number;
        var report = await jenkins.GetTestReportAsync(
            fullName,
            number.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "duration,passCount,failCount,skipCount,empty,suites[name,duration,cases[className,name,status,duration,errorDetails,errorStackTrace]]",
            cancellationToken) ?? throw new JenkinsException(JenkinsError.NotFound,
                $"Build #{number} of job '{fullName}' has no test report (the job publishes no JUnit results, or the build ended before it did).");

        var matching = (report.Suites ?? [])
            .SelectMany(s => (s.Cases ?? []).Select(c => (Suite: s.Name, Case: c)))
            .Where(c => !failures_only || FailureStatuses.Contains(c.Case.Status))
            .ToList();
        var page = matching.Skip(offset).Take(limit).Select(c => JenkinsMapper.ToTestCase(c.Case, c.Suite)).ToList();
        int? next = offset + page.Count < matching.Count ? offset + page.Count : null;
        return new TestReport(fullName, number, report.PassCount ?? 0, report.FailCount ?? 0, report.SkipCount ?? 0, report.Duration,
            page, next is not null, matching.Count, offset, next);
    }
}
