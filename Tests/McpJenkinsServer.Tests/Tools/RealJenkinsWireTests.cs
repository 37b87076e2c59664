using System.Globalization;

namespace McpAspire.McpJenkinsServer.Tests.Tools;

/// <summary>
/// The tools against the wire behaviour of a real Jenkins that JenkinsMock reproduces: progressiveText in CR LF with
/// console notes while X-Text-Size counts raw bytes (Stapler LargeText, LineEndNormalizingWriter), branch jobs named
/// URL-encoded (branch-api NameEncoder), vetoed queue requests (302), cancelling a left item (500), Pipelines on
/// one-off executors waiting for agents as placeholder queue items (workflow-durable-task-step).
/// </summary>
public sealed class RealJenkinsWireTests(JenkinsMockFactory mock) : IClassFixture<JenkinsMockFactory>
{
    private const string PipelineJob = "frontend/web-app";

    private JenkinsClient Jenkins => mock.CreateJenkinsClient();

    private BuildLogTools Logs => new(Jenkins);

    private BuildControlTools Control => new(Jenkins, new BuildLauncher(Jenkins, TimeProvider.System));

    private NodeTools Nodes => new(Jenkins);

    [Fact]
    public async Task Small_pages_of_a_crlf_log_with_console_notes_join_into_the_plain_console_text()
    {
        var plain = await ConsoleTextAsync(PipelineJob, "1");
        var text = new StringBuilder();
        long offset = 0;
        var pages = 0;
        while (true)
        {
            var page = await Logs.GetBuildLog(PipelineJob, "1", offset, limit: 200);
            Assert.Equal(offset, page.Offset);
            text.Append(page.Text);
            offset = page.NextOffset;
            pages++;
            if (!page.HasMore)
            {
                break;
            }
        }

        Assert.True(pages > 5, $"only {pages} pages: the log was not cut by the limit");
        Assert.Equal(plain, text.ToString());
        Assert.DoesNotContain("\u001B", text.ToString(), StringComparison.Ordinal);
        Assert.Equal(await RawSizeAsync(PipelineJob, "1"), offset);
    }

    [Fact]
    public async Task A_tail_has_the_last_lines_and_an_offset_that_reads_exactly_them()
    {
        var plain = await ConsoleTextAsync(PipelineJob, "2");
        var lastFive = string.Join('\n', plain.TrimEnd('\n').Split('\n')[^5..]);

        var tail = await Logs.GetBuildLog(PipelineJob, "2", tail: 5);
        var fromOffset = await Logs.GetBuildLog(PipelineJob, "2", offset: tail.Offset);

        Assert.Equal(lastFive, tail.Text);
        Assert.Equal(lastFive + "\n", fromOffset.Text);
        Assert.Equal(await RawSizeAsync(PipelineJob, "2"), tail.NextOffset);
    }

    [Fact]
    public async Task A_branch_job_named_url_encoded_is_read_by_its_full_name()
    {
        var jobs = await new JobTools(Jenkins).ListJobs(folder: "shop");
        var branch = Assert.Single(jobs.Jobs, job => job.FullName == "shop/feature%2Fcheckout");

        var detail = await new JobTools(Jenkins).GetJob(branch.FullName);
        var builds = await new BuildTools(Jenkins).ListBuilds(branch.FullName);

        Assert.Equal("shop/feature%2Fcheckout", detail.FullName);
        Assert.Equal(2, builds.Builds.Count);
    }

    [Fact]
    public async Task A_vetoed_trigger_is_a_tool_error_saying_nothing_was_queued()
    {
        var error = await Assert.ThrowsAsync<JenkinsException>(() => Control.TriggerBuild("release-freeze"));

        Assert.Equal(JenkinsError.Rejected, error.Error);
        Assert.Contains("vetoed", error.Message, StringComparison.Ordinal);
        Assert.Contains("nothing was queued", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancelling_an_item_that_just_left_the_queue_is_a_tool_error_pointing_to_stop_build()
    {
        var started = await Control.TriggerBuild("backend/platform/inventory-api", wait_for_start: true, wait_seconds: 60);
        Assert.NotNull(started.BuildNumber);

        var error = await Assert.ThrowsAsync<JenkinsException>(() => Jenkins.CancelQueueItemAsync(started.QueueItemId!.Value, CancellationToken.None));

        Assert.Equal(JenkinsError.Rejected, error.Error);
        Assert.Contains("has just left the queue", error.Message, StringComparison.Ordinal);
        await Control.StopBuild("backend/platform/inventory-api", started.BuildNumber!.Value);
    }

    [Fact]
    public async Task Waiting_for_a_pipeline_whose_agent_is_offline_reports_a_number_but_not_started_work()
    {
        var triggered = await Control.TriggerBuild("windows-installer", wait_for_start: true, wait_seconds: 4);
        var number = Assert.IsType<int>(triggered.BuildNumber);
        var queue = await new QueueTools(Jenkins).GetQueue();
        var nodes = await Nodes.ListNodes();
        var running = await Nodes.ListRunningBuilds();

        Assert.Equal("All nodes of label ‘windows’ are offline", triggered.WaitingForAgent);
        Assert.Contains("waits for an agent", triggered.Message, StringComparison.Ordinal);
        Assert.Contains(queue.Items, item => item.Job == "windows-installer" && item.NodeBlockOfBuild == number);
        Assert.Contains(nodes.Nodes.Single(node => node.Name == "Built-In Node").FlyweightRuns, run => run == $"windows-installer #{number}");
        Assert.True(Assert.Single(running.Builds, build => build.Job == "windows-installer" && build.Number == number).WithoutAgent);
        await Control.StopBuild("windows-installer", number);
    }

    [Fact]
    public async Task Waiting_for_a_pipeline_ends_when_its_node_block_holds_an_agent_executor()
    {
        var triggered = await Control.TriggerBuild("frontend/web-app", wait_for_start: true, wait_seconds: 60);
        var number = Assert.IsType<int>(triggered.BuildNumber);
        var nodes = await Nodes.ListNodes();
        var running = await Nodes.ListRunningBuilds();

        Assert.Null(triggered.WaitingForAgent);
        Assert.Contains(nodes.Nodes.SelectMany(node => node.Running), run => run == $"frontend » web-app #{number} (node block)");
        Assert.False(Assert.Single(running.Builds, candidate => candidate.Job == "frontend/web-app" && candidate.Number == number).WithoutAgent);

        await Control.StopBuild("frontend/web-app", number);
    }

    private async Task<string> ConsoleTextAsync(string job, string build)
    {
        using var client = mock.CreateTokenClient();
        return await client.GetStringAsync(new Uri($"{JenkinsPaths.JobPath(job)}{build}/consoleText", UriKind.Relative));
    }

    private async Task<long> RawSizeAsync(string job, string build)
    {
        using var client = mock.CreateTokenClient();
        using var head = new HttpRequestMessage(HttpMethod.Head, new Uri($"{JenkinsPaths.JobPath(job)}{build}/logText/progressiveText?start=0", UriKind.Relative));
        using var response = await client.SendAsync(head);
        return long.Parse(response.Headers.GetValues("X-Text-Size").Single(), CultureInfo.InvariantCulture);
    }
}
