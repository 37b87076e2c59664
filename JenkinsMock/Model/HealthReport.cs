namespace McpAspire.JenkinsMock.Model;

/// <summary>hudson.model.HealthReport: build stability over the last five completed builds.</summary>
public sealed record HealthReport(int Score, string Description) : IExportable
{
    public string? JenkinsClass => null;

    public string IconClassName => $"icon-health-{IconSuffix}";

    private string IconSuffix => Score switch
    {
        > 80 => "80plus",
        > 60 => "60to79",
        > 40 => "40to59",
        > 20 => "20to39",
        _ => "00to19",
    };

    public IEnumerable<Exported> Export(ExportContext context) =>
    [
        new("description", Description, Visibility: 2),
        new("iconClassName", IconClassName, Visibility: 2),
        new("iconUrl", $"health-{IconSuffix}.png", Visibility: 2),
        new("score", Score, Visibility: 2),
    ];

    /// <summary>Jenkins' stability report: 20 points off per failed build among the last five.</summary>
    public static HealthReport? ForBuilds(IEnumerable<Build> newestFirst)
    {
        var recent = newestFirst.Where(build => !build.Building && build.Result is not (BuildResult.Aborted or BuildResult.NotBuilt)).Take(5).ToList();
        if (recent.Count == 0)
        {
            return null;
        }

        var failed = recent.Count(build => build.Result == BuildResult.Failure);
        var score = 100 - (failed * 100 / recent.Count);
        var description = failed == 0
            ? "Build stability: No recent builds failed."
            : failed == recent.Count
                ? "Build stability: All recent builds failed."
                : string.Create(CultureInfo.InvariantCulture, $"Build stability: {failed} out of the last {recent.Count} builds failed.");
        return new HealthReport(score, description);
    }
}
