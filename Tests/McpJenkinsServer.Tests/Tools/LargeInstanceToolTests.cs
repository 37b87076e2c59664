using System.Diagnostics;

namespace McpAspire.McpJenkinsServer.Tests.Tools;

/// <summary>The large instance's collection: its memory figure must not count other tests' allocations, so it runs alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LargeInstanceRunsAlone : ICollectionFixture<LargeJenkinsMockFactory>
{
    public const string Name = "Large Jenkins instance";
}

/// <summary>
/// The tools against Jenkins at real sizes: search_build_log streams a 200 MB log in bounded memory (measured), a tail
/// reads only the end, a recursive list_jobs page over 5,000 jobs in nested folders is one request, and the
/// 20,000-case test report pages.
/// </summary>
[Collection(LargeInstanceRunsAlone.Name)]
public sealed class LargeInstanceToolTests(LargeJenkinsMockFactory mock, ITestOutputHelper output)
{
    private const string HugeLogJob = "large/huge-log";
    private const long MemoryBound = 64L * 1024 * 1024;

    [Fact]
    public async Task Searching_the_200_mb_log_streams_it_in_less_than_64_mb_of_extra_memory()
    {
        var (jenkins, counter) = mock.CreateCountingJenkinsClient();
        var tools = new BuildLogTools(jenkins);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        var workingSetBaseline = Environment.WorkingSet;
        long peak = baseline;
        long workingSetPeak = workingSetBaseline;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                var now = GC.GetTotalMemory(forceFullCollection: false);
                if (now > Interlocked.Read(ref peak))
                {
                    Interlocked.Exchange(ref peak, now);
                }

                var workingSet = Environment.WorkingSet;
                if (workingSet > Interlocked.Read(ref workingSetPeak))
                {
                    Interlocked.Exchange(ref workingSetPeak, workingSet);
                }

                await Task.Delay(5, CancellationToken.None);
            }
        });
        var clock = Stopwatch.StartNew();

        var result = await tools.SearchBuildLog(HugeLogJob, "artifact cache connection reset", build: "1", context_lines: 2, max_matches: 100);

        clock.Stop();
        await sampling.CancelAsync();
        await sampler;
        var extra = Interlocked.Read(ref peak) - baseline;
        output.WriteLine($"search of {counter.BytesRead / 1024 / 1024} MB in {clock.Elapsed.TotalSeconds:0.0} s: {result.Matches.Count} matches in {result.TotalLinesSearched} lines; " +
                         $"managed heap peak {extra / 1024.0 / 1024.0:0.0} MB above the baseline, process working set peak " +
                         $"{(Interlocked.Read(ref workingSetPeak) - workingSetBaseline) / 1024.0 / 1024.0:0.0} MB above it (mock and server in one process)");
        Assert.Equal(200L * 1024 * 1024 / 128, result.TotalLinesSearched);
        Assert.Equal(16, result.Matches.Count);
        Assert.True(counter.BytesRead > 150L * 1024 * 1024, "the whole log was not read");
        Assert.True(extra < MemoryBound, $"the search took {extra / 1024 / 1024} MB of extra memory");
    }

    [Fact]
    public async Task A_tail_of_the_200_mb_log_reads_only_its_end()
    {
        var (jenkins, counter) = mock.CreateCountingJenkinsClient();

        var tail = await new BuildLogTools(jenkins).GetBuildLog(HugeLogJob, "1", tail: 20);

        output.WriteLine($"tail of 20 lines: {counter.Requests} requests, {counter.BytesRead} bytes read");
        Assert.StartsWith("Finished: SUCCESS", tail.Text.Split('\n')[^1], StringComparison.Ordinal);
        Assert.Equal(20, tail.Text.Split('\n').Length);
        Assert.Equal(200L * 1024 * 1024, tail.NextOffset);
        Assert.Equal(tail.NextOffset - (20 * 128), tail.Offset);
        Assert.True(counter.BytesRead < 64 * 1024, $"{counter.BytesRead} bytes read for a tail");
    }

    [Fact]
    public async Task Recursive_pages_of_5000_jobs_in_nested_folders_cost_one_request_each()
    {
        var (jenkins, counter) = mock.CreateCountingJenkinsClient();
        var tools = new JobTools(jenkins);

        var first = await tools.ListJobs(folder: "large", recursive: true, offset: 4000, limit: 100);
        var requestsForFirst = counter.Requests;
        var second = await tools.ListJobs(folder: "large", recursive: true, offset: first.NextOffset!.Value, limit: 100);

        output.WriteLine($"{first.Total} items; {requestsForFirst} request(s) for a page");
        Assert.Equal(5000 + 10 + 100 + 1, first.Total);
        Assert.Equal(1, requestsForFirst);
        Assert.Equal(2, counter.Requests);
        Assert.Equal(100, first.Jobs.Count);
        Assert.Equal(4100, second.Offset);
        Assert.Empty(first.Jobs.Select(j => j.FullName).Intersect(second.Jobs.Select(j => j.FullName)));
        Assert.All(first.Jobs.Concat(second.Jobs), job => Assert.StartsWith("large/", job.FullName, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_20000_case_report_pages_and_filters_failures()
    {
        var (jenkins, _) = mock.CreateCountingJenkinsClient();
        var tools = new TestReportTools(jenkins);

        var last = await tools.GetTestReport(HugeLogJob, "1", limit: 200, offset: 19_900);
        var failures = await tools.GetTestReport(HugeLogJob, "1", failures_only: true, limit: 150);

        Assert.Equal(20_000, last.TotalCases);
        Assert.Equal(100, last.Cases.Count);
        Assert.Null(last.NextOffset);
        Assert.Equal(200, failures.TotalCases);
        Assert.Equal(150, failures.NextOffset);
        Assert.All(failures.Cases, c => Assert.Equal("FAILED", c.Status));
    }
}
