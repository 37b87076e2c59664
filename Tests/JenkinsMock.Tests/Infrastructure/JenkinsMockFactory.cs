namespace McpAspire.JenkinsMock.Tests.Infrastructure;

/// <summary>
/// JenkinsMock in process (see <see cref="JenkinsMockFactory{TProgram}"/>) with short timings: a quiet period of
/// 200 ms and builds of about one second, so a test can watch a build from queue to result.
/// </summary>
public class JenkinsMockFactory : JenkinsMockFactory<Program>
{
    protected virtual bool CsrfProtection => true;

    /// <summary>How long a left queue item stays visible; Jenkins keeps it about five minutes.</summary>
    protected virtual string LeftItemLifetime => "00:05:00";

    protected override IEnumerable<KeyValuePair<string, string>> MockSettings => new Dictionary<string, string>
    {
        ["CsrfProtection"] = CsrfProtection ? "true" : "false",
        ["Timing:QuietPeriod"] = "00:00:00.200",
        ["Timing:LogLineInterval"] = "00:00:00.010",
        ["Timing:BuildLength"] = "00:00:01",
        ["Timing:TickInterval"] = "00:00:00.010",
        ["Timing:LeftItemLifetime"] = LeftItemLifetime,
    };
}

/// <summary>The same mock with CSRF protection switched off.</summary>
public sealed class JenkinsMockWithoutCsrfFactory : JenkinsMockFactory
{
    protected override bool CsrfProtection => false;
}

/// <summary>The same mock forgetting left queue items after half a second instead of five minutes.</summary>
public sealed class JenkinsMockWithShortLivedLeftItemsFactory : JenkinsMockFactory
{
    protected override string LeftItemLifetime => "00:00:00.500";
}

/// <summary>The same mock in large-instance mode: 5,000 jobs in nested folders, a 200 MB log, 20,000 test cases.</summary>
public sealed class LargeJenkinsMockFactory : JenkinsMockFactory
{
    protected override IEnumerable<KeyValuePair<string, string>> MockSettings
        => base.MockSettings.Append(KeyValuePair.Create("LargeInstance:Enabled", "true"));
}
