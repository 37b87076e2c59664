namespace McpAspire.McpJenkinsServer.Tests.Tools;

/// <summary>
/// The MCP server's Jenkins account with fewer permissions (the mock's users): every refusal is a tool error that
/// names the missing permission, from X-Required-Permission (AccessDeniedHandlerImpl) or Queue.doCancelItem's 422.
/// </summary>
public sealed class PermissionRefusalTests(JenkinsMockFactory mock) : IClassFixture<JenkinsMockFactory>
{
    [Fact]
    public async Task A_read_only_account_reads_but_triggering_names_job_build()
    {
        var reader = mock.CreateJenkinsClientAs("reader");
        var job = await new JobTools(reader).GetJob("nightly-db-backup");

        var error = await Assert.ThrowsAsync<JenkinsException>(() => Control(reader).TriggerBuild("nightly-db-backup"));

        Assert.Equal("nightly-db-backup", job.FullName);
        Assert.Equal(JenkinsError.PermissionDenied, error.Error);
        Assert.Contains("lacks the Job/Build permission (hudson.model.Item.Build)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_build_started_by_an_account_without_run_update_is_reported_started_not_as_an_error()
    {
        var admin = mock.CreateJenkinsClient();
        var builder = mock.CreateJenkinsClientAs("builder");

        // The build is queued before its description is set: refusing the description must not look like a failed
        // trigger, or the assistant would start (deploy) again.
        var started = await Control(builder).TriggerBuild("backend/platform/inventory-api", wait_for_start: true, wait_seconds: 60);

        Assert.NotNull(started.BuildNumber);
        Assert.Contains("started", started.Message, StringComparison.Ordinal);
        Assert.Contains("description could not name who asked", started.Message, StringComparison.Ordinal);
        Assert.Contains("Run/Update", started.Message, StringComparison.Ordinal);
        await Control(admin).StopBuild("backend/platform/inventory-api", started.BuildNumber!.Value);
    }

    [Fact]
    public async Task Stopping_and_cancelling_without_job_cancel_are_tool_errors_naming_it()
    {
        var admin = mock.CreateJenkinsClient();
        var builder = mock.CreateJenkinsClientAs("builder");
        var running = await Control(admin).TriggerBuild("backend/platform/inventory-api", wait_for_start: true, wait_seconds: 60);
        var queued = await Control(admin).TriggerBuild("release-notes");

        var stop = await Assert.ThrowsAsync<JenkinsException>(() => Control(builder).StopBuild("backend/platform/inventory-api", running.BuildNumber!.Value));
        var cancel = await Assert.ThrowsAsync<JenkinsException>(() => new QueueTools(builder).CancelQueueItem(queued.QueueItemId!.Value));

        Assert.Equal(JenkinsError.PermissionDenied, stop.Error);
        Assert.Contains("Job/Cancel", stop.Message, StringComparison.Ordinal);
        Assert.Equal(JenkinsError.PermissionDenied, cancel.Error);
        Assert.Contains("lacks the Job/Cancel permission", cancel.Message, StringComparison.Ordinal);
        await Control(admin).StopBuild("backend/platform/inventory-api", running.BuildNumber!.Value);
        await new QueueTools(admin).CancelQueueItem(queued.QueueItemId!.Value);
    }

    [Fact]
    public async Task A_job_outside_the_accounts_folders_is_not_found_and_a_discoverable_one_names_job_read()
    {
        var hidden = await Assert.ThrowsAsync<JenkinsException>(() => new JobTools(mock.CreateJenkinsClientAs("backend-dev")).GetJob("deploy/deploy-shop"));
        var discovered = await Assert.ThrowsAsync<JenkinsException>(() => new JobTools(mock.CreateJenkinsClientAs("discoverer")).GetJob("nightly-db-backup"));

        Assert.Equal(JenkinsError.NotFound, hidden.Error);
        Assert.Equal(JenkinsError.PermissionDenied, discovered.Error);
        Assert.Contains("Job/Read", discovered.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_account_without_overall_read_is_told_so()
    {
        var error = await Assert.ThrowsAsync<JenkinsException>(() => new JobTools(mock.CreateJenkinsClientAs("outsider")).ListJobs());

        Assert.Equal(JenkinsError.PermissionDenied, error.Error);
        Assert.Contains("Overall/Read", error.Message, StringComparison.Ordinal);
    }

    private static BuildControlTools Control(JenkinsClient jenkins) => new(jenkins, new BuildLauncher(jenkins, TimeProvider.System));
}
