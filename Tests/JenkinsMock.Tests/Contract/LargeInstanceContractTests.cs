using System.Globalization;
using McpAspire.JenkinsMock.Console;

namespace McpAspire.JenkinsMock.Tests.Contract;

/// <summary>
/// The large-instance mode (not Jenkins behaviour, but Jenkins sizes): 5,000 jobs in nested folders, a 200 MB console
/// served by LargeText's rules from any offset without being held in memory, a 20,000-case JUnit report.
/// </summary>
public sealed class LargeInstanceContractTests(LargeJenkinsMockFactory factory) : IClassFixture<LargeJenkinsMockFactory>
{
    private const string HugeBuild = "/job/large/job/huge-log/1/";
    private readonly HttpClient _client = factory.CreateTokenClient();

    [Fact]
    public async Task The_large_folder_holds_5000_jobs_two_folders_deep()
    {
        var tree = await _client.GetJsonAsync("/job/large/api/json?tree=jobs[name,jobs[name,jobs[name]]]");

        var jobs = tree.GetProperty("jobs").EnumerateArray()
            .Where(team => team.TryGetProperty("jobs", out _))
            .SelectMany(team => team.GetProperty("jobs").EnumerateArray())
            .SelectMany(service => service.GetProperty("jobs").EnumerateArray())
            .Count();
        Assert.Equal(5000, jobs);
    }

    [Fact]
    public async Task The_huge_log_is_200_mb_and_its_end_reads_from_an_offset_without_the_rest()
    {
        using var head = new HttpRequestMessage(HttpMethod.Head, $"{HugeBuild}logText/progressiveText?start=0");
        using var sized = await _client.SendAsync(head);
        var size = long.Parse(Assert.Single(sized.Headers.GetValues("X-Text-Size")), CultureInfo.InvariantCulture);

        using var end = await _client.GetAsync(new Uri($"{HugeBuild}logText/progressiveText?start={size - GeneratedConsoleLog.LineBytes}", UriKind.Relative));
        var last = await end.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, sized.StatusCode);
        Assert.Equal(200L * 1024 * 1024, size);
        Assert.StartsWith("Finished: SUCCESS", last, StringComparison.Ordinal);
        Assert.EndsWith("\r\n", last, StringComparison.Ordinal);
        Assert.Equal(GeneratedConsoleLog.LineBytes + 1, last.Length);
    }

    [Fact]
    public async Task The_huge_report_has_20000_cases_200_of_them_failing()
    {
        var report = await _client.GetJsonAsync($"{HugeBuild}testReport/api/json?tree=passCount,failCount,skipCount");

        Assert.Equal(200, report.GetProperty("failCount").GetInt32());
        Assert.Equal(19_800, report.GetProperty("passCount").GetInt32());
    }
}
