using McpAspire.JenkinsMock.Console;

namespace McpAspire.JenkinsMock.Services;

/// <summary>
/// The large-instance mode (<c>Jenkins:LargeInstance</c>): a folder <c>large/</c> holding the configured number of
/// jobs in two levels of nested folders (10 teams of 10 services), and <c>large/huge-log</c> whose build #1 has a
/// console of the configured size, generated on demand (<see cref="GeneratedConsoleLog"/>), and a test report of
/// the configured number of cases (1 in 100 failing). Jobs other than huge-log have no builds, so 5,000 of them cost
/// a few megabytes.
/// </summary>
public static class LargeInstanceSeeder
{
    public const string FolderName = "large";
    public const string HugeLogJob = "huge-log";
    private const int Teams = 10;
    private const int ServicesPerTeam = 10;

    public static void Add(JenkinsRoot root, LargeInstanceOptions options, string user, DateTimeOffset now)
    {
        var large = new Folder(FolderName, root) { Description = "Large-instance mode: thousands of jobs, a huge log, a huge test report." };
        root.Items.Add(large);

        var perService = Math.Max(1, (int)Math.Ceiling(options.Jobs / (double)(Teams * ServicesPerTeam)));
        var made = 0;
        for (var team = 0; team < Teams && made < options.Jobs; team++)
        {
            var teamFolder = new Folder(Name("team", team), large);
            large.Items.Add(teamFolder);
            for (var service = 0; service < ServicesPerTeam && made < options.Jobs; service++)
            {
                var serviceFolder = new Folder(Name("service", service), teamFolder);
                teamFolder.Items.Add(serviceFolder);
                for (var job = 0; job < perService && made < options.Jobs; job++, made++)
                {
                    serviceFolder.Items.Add(new FreeStyleProject(string.Create(CultureInfo.InvariantCulture, $"job-{job:D3}"), serviceFolder, BuildRecipe.AlwaysSucceeds(BuildFlavor.Maven)));
                }
            }
        }

        var hugeLog = new FreeStyleProject(HugeLogJob, large, BuildRecipe.AlwaysSucceeds(BuildFlavor.Maven))
        {
            Description = "One build with a huge console log and a huge test report.",
        };
        large.Items.Add(hugeLog);
        var start = now - TimeSpan.FromHours(1);
        var item = new QueueItem(root.Queue.NextId++, hugeLog, start, start, [], [Cause.User(user)]);
        var build = new FreeStyleBuild(hugeLog, 1, item.Id, start, [], item.Causes) { Log = new GeneratedConsoleLog(options.LogBytes, user) };
        build.TestReport = HugeReport(options.TestCases, start.ToUnixTimeMilliseconds());
        hugeLog.Builds.Add(build);
        hugeLog.NextBuildNumber = 2;
        build.Finish(BuildResult.Unstable, start + TimeSpan.FromMinutes(50));
    }

    private static string Name(string prefix, int index) => string.Create(CultureInfo.InvariantCulture, $"{prefix}-{index:D2}");

    /// <summary>Cases in suites of 100, every 100th failing with details and a stack trace.</summary>
    private static TestResult HugeReport(int cases, long timestampMs)
    {
        var suites = new List<SuiteResult>();
        for (var first = 0; first < cases; first += 100)
        {
            var suite = string.Create(CultureInfo.InvariantCulture, $"com.acme.generated.Suite{first / 100:D4}Test");
            var results = Enumerable.Range(first, Math.Min(100, cases - first)).Select(index => index % 100 == 99
                ? new CaseResult(suite, Case(index), CaseStatus.Failed, 0.012, "expected:<200> but was:<503>",
                    $"java.lang.AssertionError: expected:<200> but was:<503>\n\tat {suite}.{Case(index)}({suite[(suite.LastIndexOf('.') + 1)..]}.java:42)", FailedSince: 1, Age: 1)
                : new CaseResult(suite, Case(index), CaseStatus.Passed, 0.004)).ToList();
            suites.Add(new SuiteResult(suite, timestampMs, results));
        }

        return new TestResult(suites);

        static string Case(int index) => string.Create(CultureInfo.InvariantCulture, $"case{index:D5}");
    }
}
