using McpAspire.McpJenkinsServer.Model.Results;

namespace McpAspire.McpJenkinsServer.Tests.Tools;

/// <summary>Every tool against the real JenkinsMock (the seeded shop: folders, freestyle, pipeline, parameterized and disabled jobs).</summary>
public sealed class ToolsAgainstJenkinsMockTests(JenkinsMockFactory mock) : IClassFixture<JenkinsMockFactory>
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromSeconds(60);
    private static readonly string[] FailureStatuses = ["FAILED", "REGRESSION"];
    private static readonly string[] FinishedResults = ["SUCCESS", "FAILURE"];

    private JenkinsClient Jenkins => mock.CreateJenkinsClient();

    private BuildControlTools Control => new(Jenkins, new BuildLauncher(Jenkins, TimeProvider.System));

    [Fact]
    public async Task List_jobs_shows_the_root_with_kinds_and_last_builds()
    {
        var page = await new JobTools(Jenkins).ListJobs();

        Assert.Equal("", page.Folder);
        Assert.Contains(page.Jobs, j => j is { FullName: "backend", Kind: "folder" });
        var backup = Assert.Single(page.Jobs, j => j.FullName == "nightly-db-backup");
        Assert.Equal("freestyle", backup.Kind);
        Assert.NotNull(backup.LastBuild);
        Assert.Null(page.NextOffset);
    }

    [Fact]
    public async Task List_jobs_walks_sub_folders_filters_and_pages()
    {
        var tools = new JobTools(Jenkins);

        var all = await tools.ListJobs(recursive: true);
        Assert.Contains(all.Jobs, j => j is { FullName: "backend/platform/inventory-api", Kind: "freestyle" });
        Assert.Contains(all.Jobs, j => j is { FullName: "deploy/deploy-shop", Kind: "pipeline" });

        var filtered = await tools.ListJobs(recursive: true, filter: "PAYMENTS");
        Assert.Equal(["backend/payments-service"], filtered.Jobs.Select(j => j.FullName));

        var first = await tools.ListJobs(recursive: true, limit: 2);
        Assert.Equal(2, first.Jobs.Count);
        Assert.Equal(2, first.NextOffset);
        var second = await tools.ListJobs(recursive: true, offset: 2, limit: 2);
        Assert.Equal(all.Jobs.Skip(2).Take(2).Select(j => j.FullName), second.Jobs.Select(j => j.FullName));
    }

    [Fact]
    public async Task List_jobs_of_a_missing_folder_is_a_not_found_tool_error()
    {
        var error = await Assert.ThrowsAsync<JenkinsException>(() => new JobTools(Jenkins).ListJobs(folder: "no-such-folder"));
        Assert.Equal(JenkinsError.NotFound, error.Error);
        Assert.Contains("'no-such-folder' was not found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_job_describes_parameters_health_and_recent_builds()
    {
        var job = await new JobTools(Jenkins).GetJob("deploy/deploy-shop", builds: 3);

        Assert.Equal("pipeline", job.Kind);
        Assert.False(job.Disabled);
        Assert.Equal(3, job.RecentBuilds.Count);
        Assert.True(job.RecentBuilds[0].Number > job.RecentBuilds[1].Number);
        var environment = Assert.Single(job.Parameters, p => p.Name == "ENVIRONMENT");
        Assert.Equal(["staging", "production"], environment.Choices);
        Assert.Equal("1.0.0", Assert.Single(job.Parameters, p => p.Name == "VERSION").DefaultValue);
        Assert.NotEmpty(job.Health);
    }

    [Fact]
    public async Task Get_job_shows_a_disabled_job_as_disabled()
        => Assert.True((await new JobTools(Jenkins).GetJob("legacy-monolith")).Disabled);

    [Fact]
    public async Task Get_job_of_an_unknown_job_is_a_not_found_tool_error()
    {
        var error = await Assert.ThrowsAsync<JenkinsException>(() => new JobTools(Jenkins).GetJob("backend/nope"));
        Assert.Equal(JenkinsError.NotFound, error.Error);
    }

    [Fact]
    public async Task List_builds_pages_newest_first_past_the_first_page()
    {
        var tools = new BuildTools(Jenkins);

        var first = await tools.ListBuilds("backend/payments-service", limit: 5);
        Assert.Equal(5, first.Builds.Count);
        Assert.Equal(5, first.NextOffset);
        Assert.True(first.Builds.Zip(first.Builds.Skip(1)).All(p => p.First.Number > p.Second.Number));

        var last = await tools.ListBuilds("backend/payments-service", offset: 10, limit: 5);
        Assert.Equal(2, last.Builds.Count);
        Assert.Null(last.NextOffset);
    }

    [Fact]
    public async Task Get_build_gives_result_duration_parameters_causes_and_changes()
    {
        var tools = new BuildTools(Jenkins);
        var builds = await tools.ListBuilds("deploy/deploy-shop", limit: 100);
        // The oldest: the seeded history (even builds deploy to production), which builds other tests of this class
        // trigger on the same job (newer, with their own parameters) never change.
        var even = builds.Builds.Last(b => b.Number % 2 == 0 && b.Result == "SUCCESS");

        var build = await tools.GetBuild("deploy/deploy-shop", even.Number.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal("production", build.Parameters["ENVIRONMENT"]);
        Assert.Equal("1.0.0", build.Parameters["VERSION"]);
        Assert.NotEmpty(build.Causes);
        Assert.True(build.DurationMs > 0);
        Assert.False(build.Building);

        var withChanges = await tools.GetBuild("backend/payments-service", "1");
        Assert.NotEmpty(withChanges.Changes);
        Assert.All(withChanges.Changes, c => Assert.False(string.IsNullOrEmpty(c.Message)));
    }

    [Fact]
    public async Task A_bad_build_reference_is_an_invalid_params_error()
    {
        var error = await Assert.ThrowsAsync<McpProtocolException>(() => new BuildTools(Jenkins).GetBuild("backend/payments-service", "newest"));
        Assert.Equal(McpErrorCode.InvalidParams, error.ErrorCode);
    }

    [Fact]
    public async Task Log_pages_chain_through_next_offset_to_the_whole_log()
    {
        var tools = new BuildLogTools(Jenkins);
        var whole = await tools.GetBuildLog("backend/payments-service", "lastBuild", limit: 1_048_576);
        Assert.False(whole.HasMore);

        var text = new System.Text.StringBuilder();
        long offset = 0;
        BuildLogPage page;
        var pages = 0;
        do
        {
            page = await tools.GetBuildLog("backend/payments-service", "lastBuild", offset: offset, limit: 300);
            Assert.True(System.Text.Encoding.UTF8.GetByteCount(page.Text) <= 300);
            text.Append(page.Text);
            offset = page.NextOffset;
            pages++;
        }
        while (page.HasMore && pages < 1000);

        Assert.True(pages > 1);
        Assert.Equal(whole.Text, text.ToString());
    }

    [Fact]
    public async Task Log_tail_returns_the_last_lines()
    {
        var tools = new BuildLogTools(Jenkins);
        var whole = await tools.GetBuildLog("backend/payments-service", "lastBuild", limit: 1_048_576);

        var tail = await tools.GetBuildLog("backend/payments-service", "lastBuild", tail: 3);

        var expected = whole.Text.TrimEnd('\n').Split('\n')[^3..];
        Assert.Equal(expected, tail.Text.Split('\n'));
        Assert.StartsWith("Finished: ", expected[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Log_search_finds_the_verdict_line_with_context()
    {
        var result = await new BuildLogTools(Jenkins).SearchBuildLog("backend/payments-service", "^Finished: (SUCCESS|FAILURE|UNSTABLE)$", context_lines: 2);

        var match = Assert.Single(result.Matches);
        Assert.Equal(result.TotalLinesSearched, match.Line);
        Assert.Equal(2, match.Before.Count);
        Assert.Empty(match.After);
    }

    [Fact]
    public async Task Test_report_lists_only_failures_on_request()
    {
        var builds = await new BuildTools(Jenkins).ListBuilds("backend/payments-service", limit: 20);
        var unstable = builds.Builds.First(b => b.Result is "UNSTABLE");
        var tools = new TestReportTools(Jenkins);
        var number = unstable.Number.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var all = await tools.GetTestReport("backend/payments-service", number);
        var failures = await tools.GetTestReport("backend/payments-service", number, failures_only: true);

        Assert.True(all.Failed > 0);
        Assert.True(all.Cases.Count > failures.Cases.Count);
        Assert.NotEmpty(failures.Cases);
        Assert.All(failures.Cases, c => Assert.Contains(c.Status, FailureStatuses));
        Assert.All(failures.Cases, c => Assert.False(string.IsNullOrEmpty(c.ErrorDetails)));
    }

    [Fact]
    public async Task Test_report_of_a_build_without_one_is_a_not_found_tool_error()
    {
        var error = await Assert.ThrowsAsync<JenkinsException>(() => new TestReportTools(Jenkins).GetTestReport("nightly-db-backup"));
        Assert.Equal(JenkinsError.NotFound, error.Error);
        Assert.Contains("no test report", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nodes_show_executors_labels_and_why_a_node_is_offline()
    {
        var nodes = await new NodeTools(Jenkins).ListNodes();

        Assert.True(nodes.TotalExecutors >= 7);
        var windows = Assert.Single(nodes.Nodes, n => n.Name == "windows-2022-01");
        Assert.True(windows.TemporarilyOffline);
        Assert.Equal("Patching in progress", windows.OfflineReason);
        Assert.Contains("docker", Assert.Single(nodes.Nodes, n => n.Name == "linux-amd64-01").Labels);
    }

    [Fact]
    public async Task Status_reports_the_version_and_top_level_items()
    {
        var status = await new StatusTools(Jenkins).GetJenkinsStatus();

        Assert.Equal(mock.Version, status.Version);
        Assert.True(status.UseSecurity);
        Assert.True(status.TopLevelItems >= 6);
        Assert.True(status.TotalExecutors >= 7);
    }

    [Fact]
    public async Task Jenkins_identity_is_the_servers_own_account()
    {
        var me = await Jenkins.WhoAmIAsync(CancellationToken.None);
        Assert.Equal(mock.User, me.Name);
        Assert.True(me.Authenticated);
    }

    [Fact]
    public async Task A_triggered_build_reports_its_number_with_progress_and_is_followed_to_its_result()
    {
        var progress = new ProgressLog();
        var triggered = await Control.TriggerBuild("nightly-db-backup", wait_for_start: true, wait_seconds: 30, progress: progress);

        Assert.NotNull(triggered.QueueItemId);
        var number = Assert.IsType<int>(triggered.BuildNumber);
        Assert.NotEmpty(progress.Messages);
        Assert.Contains(progress.Messages, m => m.Contains($"#{number}", StringComparison.Ordinal));

        var build = await WaitForResultAsync("nightly-db-backup", number);
        Assert.Contains(build.Result, FinishedResults);
        Assert.Contains(build.Causes, c => c.Contains("mcp-bot", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Parameters_reach_the_build_and_a_rebuild_repeats_them()
    {
        var parameters = new Dictionary<string, string?> { ["ENVIRONMENT"] = "staging", ["VERSION"] = "9.9.9", ["DRY_RUN"] = "true" };
        var triggered = await Control.TriggerBuild("deploy/deploy-shop", parameters, wait_for_start: true, wait_seconds: 30);
        var first = await new BuildTools(Jenkins).GetBuild("deploy/deploy-shop", triggered.BuildNumber!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("9.9.9", first.Parameters["VERSION"]);
        Assert.Equal("staging", first.Parameters["ENVIRONMENT"]);

        var again = await Control.Rebuild("deploy/deploy-shop", first.Number.ToString(System.Globalization.CultureInfo.InvariantCulture), wait_for_start: true, wait_seconds: 30);
        var second = await new BuildTools(Jenkins).GetBuild("deploy/deploy-shop", again.BuildNumber!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.NotEqual(first.Number, second.Number);
        Assert.Equal(first.Parameters, second.Parameters);
        Assert.StartsWith($"Rebuild of #{first.Number}", again.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Triggering_a_disabled_job_is_a_tool_error_saying_so()
    {
        var error = await Assert.ThrowsAsync<JenkinsException>(() => Control.TriggerBuild("legacy-monolith"));
        Assert.Equal(JenkinsError.Disabled, error.Error);
        Assert.Contains("disabled", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parameters_for_a_job_without_any_are_refused_as_not_parameterized()
    {
        var error = await Assert.ThrowsAsync<JenkinsException>(() =>
            Control.TriggerBuild("nightly-db-backup", new Dictionary<string, string?> { ["X"] = "1" }));
        Assert.Equal(JenkinsError.NotParameterized, error.Error);
    }

    [Fact]
    public async Task An_unknown_choice_is_an_invalid_params_error()
    {
        var error = await Assert.ThrowsAsync<McpProtocolException>(() =>
            Control.TriggerBuild("deploy/deploy-shop", new Dictionary<string, string?> { ["ENVIRONMENT"] = "moon" }));
        Assert.Equal(McpErrorCode.InvalidParams, error.ErrorCode);
    }

    [Fact]
    public async Task A_queued_build_can_be_seen_in_the_queue_and_cancelled_before_it_starts()
    {
        var triggered = await Control.TriggerBuild("release-notes");
        var id = Assert.IsType<long>(triggered.QueueItemId);
        var queue = new QueueTools(Jenkins);

        Assert.Contains((await queue.GetQueue(job: "release")).Items, i => i.Id == id && i.Job == "release-notes");
        var cancelled = await queue.CancelQueueItem(id);
        Assert.Contains("was cancelled", cancelled.Message, StringComparison.Ordinal);

        var item = await queue.GetQueueItem(id);
        Assert.True(item.Cancelled);
        Assert.Null(item.BuildNumber);
        Assert.DoesNotContain((await queue.GetQueue()).Items, i => i.Id == id);
    }

    [Fact]
    public async Task A_running_build_can_be_stopped_and_ends_aborted()
    {
        var triggered = await Control.TriggerBuild("backend/platform/inventory-api", wait_for_start: true, wait_seconds: 30);
        var number = triggered.BuildNumber!.Value;

        var stopped = await Control.StopBuild("backend/platform/inventory-api", number);
        Assert.True(stopped.WasBuilding);

        var build = await WaitForResultAsync("backend/platform/inventory-api", number);
        Assert.Equal("ABORTED", build.Result);
        var again = await Control.StopBuild("backend/platform/inventory-api", number);
        Assert.False(again.WasBuilding);
    }

    [Fact]
    public async Task Wrong_Jenkins_credentials_are_reported_as_the_servers_configuration_problem()
    {
        var error = await Assert.ThrowsAsync<JenkinsException>(() => new JobTools(mock.CreateJenkinsClient(apiToken: "wrong")).ListJobs());
        Assert.Equal(JenkinsError.CredentialsRejected, error.Error);
        Assert.DoesNotContain("wrong", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_Jenkins_is_a_tool_error_not_a_crash()
    {
        using var http = new HttpClient { BaseAddress = new Uri("http://127.0.0.1:9/") };
        var client = new JenkinsClient(http, Microsoft.Extensions.Logging.Abstractions.NullLogger<JenkinsClient>.Instance);

        var error = await Assert.ThrowsAsync<JenkinsException>(() => new NodeTools(client).ListNodes());
        Assert.Equal(JenkinsError.Unreachable, error.Error);
        Assert.Contains("Jenkins is down", error.Message, StringComparison.Ordinal);
    }

    private async Task<BuildDetail> WaitForResultAsync(string job, int number)
    {
        using var timeout = new CancellationTokenSource(BuildTimeout);
        var tools = new BuildTools(Jenkins);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        while (true)
        {
            var build = await tools.GetBuild(job, number.ToString(System.Globalization.CultureInfo.InvariantCulture), timeout.Token);
            if (!build.Building && build.Result is not null)
            {
                return build;
            }

            await timer.WaitForNextTickAsync(timeout.Token);
        }
    }

    private sealed class ProgressLog : IProgress<ProgressNotificationValue>
    {
        public List<string> Messages { get; } = [];

        public void Report(ProgressNotificationValue value)
        {
            lock (Messages)
            {
                Messages.Add(value.Message ?? "");
            }
        }
    }
}
