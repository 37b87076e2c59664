namespace McpAspire.McpJenkinsServer.Tests.Tools;

/// <summary>
/// The tools against the real JenkinsMock for a caller the policy limits to <c>backend/**</c>: lists leave the rest out,
/// and every other item answers exactly as one that does not exist.
/// </summary>
public sealed class AccessPolicyToolTests(JenkinsMockFactory mock) : IClassFixture<JenkinsMockFactory>
{
    private static readonly JenkinsAction[] ReadBuild = [JenkinsAction.Read, JenkinsAction.Build];

    private static readonly AccessPolicyDocument BackendOnly = new(1,
        [new AccessRule(Subject.Group("backend"), ItemPattern.Parse("backend/**"), ReadBuild)]);

    private static JenkinsAccess Backend()
    {
        var access = new JenkinsAccess();
        access.Apply(new AccessDecider(BackendOnly, new AccessCaller("bob", ["backend"])));
        return access;
    }

    [Fact]
    public async Task Job_lists_show_only_the_callers_folder_at_every_depth()
    {
        var access = Backend();
        var tools = new JobTools(mock.CreateJenkinsClient(access), access);

        var root = await tools.ListJobs();
        var all = await tools.ListJobs(recursive: true, limit: 500);
        var everything = await new JobTools(mock.CreateJenkinsClient()).ListJobs(recursive: true, limit: 500);

        Assert.Equal(["backend"], root.Jobs.Select(job => job.FullName));
        Assert.Contains("backend/platform/inventory-api", all.Jobs.Select(job => job.FullName));
        Assert.All(all.Jobs, job => Assert.True(job.FullName == "backend" || job.FullName.StartsWith("backend/", StringComparison.Ordinal), job.FullName));
        Assert.Equal(everything.Jobs.Count(job => job.FullName == "backend" || job.FullName.StartsWith("backend/", StringComparison.Ordinal)), all.Total);
        Assert.Contains("hidden", access.AuditText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_job_the_caller_may_not_read_is_not_found_word_for_word_as_a_missing_one()
    {
        var access = Backend();
        var restricted = mock.CreateJenkinsClient(access);
        var admin = mock.CreateJenkinsClient();

        var hiddenJob = await Assert.ThrowsAsync<JenkinsException>(() => new JobTools(restricted, access).GetJob("frontend/web-app"));
        var missingJob = await Assert.ThrowsAsync<JenkinsException>(() => new JobTools(admin).GetJob("frontend/no-such-app"));
        var hiddenBuild = await Assert.ThrowsAsync<JenkinsException>(() => new BuildTools(restricted).GetBuild("frontend/web-app", "1"));
        var missingBuild = await Assert.ThrowsAsync<JenkinsException>(() => new BuildTools(admin).GetBuild("frontend/no-such-app", "1"));
        var hiddenFolder = await Assert.ThrowsAsync<JenkinsException>(() => new JobTools(restricted, access).ListJobs(folder: "frontend"));
        var missingFolder = await Assert.ThrowsAsync<JenkinsException>(() => new JobTools(admin).ListJobs(folder: "no-such-folder"));
        var hiddenLog = await Assert.ThrowsAsync<JenkinsException>(() => new BuildLogTools(restricted).GetBuildLog("frontend/web-app", tail: 5));

        Assert.Equal(JenkinsError.NotFound, hiddenJob.Error);
        Assert.Equal(missingJob.Message.Replace("frontend/no-such-app", "frontend/web-app", StringComparison.Ordinal), hiddenJob.Message);
        Assert.Equal(missingBuild.Message.Replace("frontend/no-such-app", "frontend/web-app", StringComparison.Ordinal), hiddenBuild.Message);
        Assert.Equal(missingFolder.Message.Replace("no-such-folder", "frontend", StringComparison.Ordinal), hiddenFolder.Message);
        Assert.Equal(JenkinsError.NotFound, hiddenLog.Error);
        Assert.Equal("backend/payments-service", (await new JobTools(restricted, access).GetJob("backend/payments-service")).FullName);
    }

    [Fact]
    public async Task The_queue_shows_only_readable_items_and_a_hidden_item_is_not_found_by_id()
    {
        var access = Backend();
        var restricted = mock.CreateJenkinsClient(access);
        var admin = mock.CreateJenkinsClient();
        var mine = await Control(admin).TriggerBuild("backend/platform/inventory-api");
        var theirs = await Control(admin).TriggerBuild("release-notes");
        try
        {
            var queue = await new QueueTools(restricted, access).GetQueue();
            var hidden = await Assert.ThrowsAsync<JenkinsException>(() => new QueueTools(restricted, access).GetQueueItem(theirs.QueueItemId!.Value));
            var missing = await Assert.ThrowsAsync<JenkinsException>(() => new QueueTools(admin).GetQueueItem(999_999));
            var cancel = await Assert.ThrowsAsync<JenkinsAccessDeniedException>(() => new QueueTools(restricted, access).CancelQueueItem(mine.QueueItemId!.Value));
            var status = await new StatusTools(restricted, access).GetJenkinsStatus();

            Assert.Contains(queue.Items, item => item.Id == mine.QueueItemId);
            Assert.DoesNotContain(queue.Items, item => item.Id == theirs.QueueItemId);
            Assert.All(queue.Items, item => Assert.StartsWith("backend/", item.Job, StringComparison.Ordinal));
            Assert.Equal(missing.Message.Replace("999999", theirs.QueueItemId!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal), hidden.Message);
            Assert.Contains("no rule grants cancel on 'backend/platform/inventory-api'", cancel.Message, StringComparison.Ordinal);
            Assert.Equal(1, status.TopLevelItems);
            Assert.Equal(queue.Items.Count, status.QueueLength);
        }
        finally
        {
            await new QueueTools(admin).CancelQueueItem(mine.QueueItemId!.Value);
            await new QueueTools(admin).CancelQueueItem(theirs.QueueItemId!.Value);
        }
    }

    [Fact]
    public async Task Running_builds_and_executors_of_unreadable_jobs_are_left_out()
    {
        var access = Backend();
        var restricted = mock.CreateJenkinsClient(access);
        var admin = mock.CreateJenkinsClient();
        var theirs = await Control(admin).TriggerBuild("nightly-db-backup", wait_for_start: true, wait_seconds: 60);
        try
        {
            var everyone = await new NodeTools(admin).ListRunningBuilds();
            var running = await new NodeTools(restricted, access).ListRunningBuilds();
            var nodes = await new NodeTools(restricted, access).ListNodes();

            Assert.Contains(everyone.Builds, build => build.Job == "nightly-db-backup");
            Assert.DoesNotContain(running.Builds, build => build.Job == "nightly-db-backup");
            Assert.DoesNotContain(nodes.Nodes.SelectMany(node => node.Running), build => build.Contains("nightly-db-backup", StringComparison.Ordinal));
        }
        finally
        {
            await Control(admin).StopBuild("nightly-db-backup", theirs.BuildNumber!.Value);
        }
    }

    private static BuildControlTools Control(JenkinsClient jenkins) => new(jenkins, new BuildLauncher(jenkins, TimeProvider.System));
}
