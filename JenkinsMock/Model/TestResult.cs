namespace McpAspire.JenkinsMock.Model;

/// <summary>The junit plugin's case status names.</summary>
public static class CaseStatus
{
    public const string Passed = "PASSED";
    public const string Failed = "FAILED";
    public const string Skipped = "SKIPPED";
    public const string Fixed = "FIXED";
    public const string Regression = "REGRESSION";

    public static bool IsFailure(string status) => status is Failed or Regression;
}

/// <summary>hudson.tasks.junit.TestResult, at <c>/job/X/N/testReport/</c>.</summary>
public sealed class TestResult(IReadOnlyList<SuiteResult> suites) : IExportable
{
    public IReadOnlyList<SuiteResult> Suites { get; } = suites;

    public string JenkinsClass => "hudson.tasks.junit.TestResult";

    private IEnumerable<CaseResult> Cases => Suites.SelectMany(suite => suite.Cases);

    public int FailCount => Cases.Count(c => CaseStatus.IsFailure(c.Status));

    public int SkipCount => Cases.Count(c => c.Status == CaseStatus.Skipped);

    public int PassCount => Cases.Count() - FailCount - SkipCount;

    public int TotalCount => Cases.Count();

    public IEnumerable<Exported> Export(ExportContext context) =>
    [
        new("testActions", Array.Empty<object>()),
        new("duration", Suites.Sum(suite => suite.Duration)),
        new("empty", TotalCount == 0),
        new("failCount", FailCount),
        new("passCount", PassCount),
        new("skipCount", SkipCount),
        new("suites", Suites, Inline: true),
    ];
}

/// <summary>hudson.tasks.junit.SuiteResult: one test class's results.</summary>
public sealed class SuiteResult(string name, long timestampMs, IReadOnlyList<CaseResult> cases) : IExportable
{
    public IReadOnlyList<CaseResult> Cases { get; } = cases;

    public string JenkinsClass => "hudson.tasks.junit.SuiteResult";

    public double Duration => Math.Round(Cases.Sum(c => c.Duration), 3);

    public IEnumerable<Exported> Export(ExportContext context) =>
    [
        new("cases", Cases, Inline: true),
        new("duration", Duration),
        new("enclosingBlockNames", Array.Empty<string>()),
        new("enclosingBlocks", Array.Empty<string>()),
        new("id", null),
        new("name", name),
        new("nodeId", null),
        new("stderr", null),
        new("stdout", null),
        new("timestamp", DateTimeOffset.FromUnixTimeMilliseconds(timestampMs).ToString("yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)),
    ];
}

/// <summary>hudson.tasks.junit.CaseResult: one test.</summary>
public sealed record CaseResult(string ClassName, string Name, string Status, double Duration, string? ErrorDetails = null, string? ErrorStackTrace = null, int FailedSince = 0, int Age = 0)
    : IExportable
{
    public string JenkinsClass => "hudson.tasks.junit.CaseResult";

    public IEnumerable<Exported> Export(ExportContext context) =>
    [
        new("testActions", Array.Empty<object>()),
        new("age", Age),
        new("className", ClassName),
        new("duration", Duration),
        new("errorDetails", ErrorDetails),
        new("errorStackTrace", ErrorStackTrace),
        new("failedSince", FailedSince),
        new("name", Name),
        new("skipped", Status == CaseStatus.Skipped),
        new("skippedMessage", null),
        new("status", Status),
        new("stderr", null),
        new("stdout", null),
    ];
}

/// <summary>hudson.tasks.junit.TestResultAction: the summary a build shows among its actions.</summary>
public sealed class TestResultAction(TestResult result) : IExportable
{
    public string JenkinsClass => "hudson.tasks.junit.TestResultAction";

    public IEnumerable<Exported> Export(ExportContext context) =>
    [
        new("failCount", result.FailCount, Visibility: 2),
        new("skipCount", result.SkipCount, Visibility: 2),
        new("totalCount", result.TotalCount, Visibility: 2),
        new("urlName", "testReport", Visibility: 2),
    ];
}
