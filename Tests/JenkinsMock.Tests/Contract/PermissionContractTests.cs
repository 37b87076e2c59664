namespace McpAspire.JenkinsMock.Tests.Contract;

/// <summary>
/// Users with fewer permissions than the administrator, as Jenkins answers them: Jenkins.getItem and
/// AbstractFolder.getItem hide an item the user may not read (404) unless it may discover it (403);
/// AccessDeniedHandlerImpl answers checkPermission failures 403 with X-Required-Permission; Queue.doCancelItem
/// answers 422 without Job/Cancel; Overall/Read is needed for anything at all.
/// </summary>
public sealed class PermissionContractTests(JenkinsMockFactory factory) : IClassFixture<JenkinsMockFactory>
{
    private readonly HttpClient _admin = factory.CreateTokenClient();

    [Fact]
    public async Task A_read_only_user_reads_jobs_but_building_is_403_naming_job_build()
    {
        var job = TestJobs.CreateFreestyle(factory);
        var reader = factory.CreateUserClient("reader");

        var read = await reader.GetJsonAsync($"{job}api/json");
        using var build = await reader.PostAsync($"{job}build");

        Assert.Equal("hudson.model.FreeStyleProject", read.StringOrNull("_class"));
        Assert.Equal(HttpStatusCode.Forbidden, build.StatusCode);
        Assert.Equal("hudson.model.Item.Build", Assert.Single(build.Headers.GetValues("X-Required-Permission")));
        Assert.Equal("reader", Assert.Single(build.Headers.GetValues("X-You-Are-Authenticated-As")));
        Assert.Equal("reader is missing the Job/Build permission", await build.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Stopping_without_job_cancel_is_403_and_the_build_keeps_running()
    {
        var job = TestJobs.CreateSlowFreestyle(factory);
        using var trigger = await _admin.PostAsync($"{job}build?delay=0sec");
        await JenkinsHttp.WaitForAsync(async () => (await _admin.GetJsonAsync($"{job}api/json")).GetProperty("lastBuild").ValueKind == System.Text.Json.JsonValueKind.Object ? (bool?)true : null, "the build to start");

        using var stop = await factory.CreateUserClient("builder").PostAsync($"{job}1/stop");
        var build = await _admin.GetJsonAsync($"{job}1/api/json");

        Assert.Equal(HttpStatusCode.Forbidden, stop.StatusCode);
        Assert.Equal("hudson.model.Item.Cancel", Assert.Single(stop.Headers.GetValues("X-Required-Permission")));
        Assert.True(build.GetProperty("building").GetBoolean());
        using var cleanup = await _admin.PostAsync($"{job}1/stop");
    }

    [Fact]
    public async Task Cancelling_a_queue_item_without_job_cancel_is_422_and_the_item_stays()
    {
        var job = TestJobs.CreateFreestyle(factory);
        using var trigger = await _admin.PostAsync($"{job}build?delay=60sec");
        var itemPath = JenkinsHttp.PathOf(trigger.Headers.Location);
        var id = (await _admin.GetJsonAsync($"{itemPath}api/json")).GetProperty("id").GetInt64();

        using var cancel = await factory.CreateUserClient("builder").PostAsync($"/queue/cancelItem?id={id}");
        var item = await _admin.GetJsonAsync($"{itemPath}api/json");

        Assert.Equal((HttpStatusCode)422, cancel.StatusCode);
        Assert.Equal($"Item for id ({id}) is not cancellable", await cancel.Content.ReadAsStringAsync());
        Assert.Equal("hudson.model.Queue$WaitingItem", item.StringOrNull("_class"));
        using var cleanup = await _admin.PostAsync($"/queue/cancelItem?id={id}");
    }

    [Fact]
    public async Task Items_outside_a_users_folders_are_404_and_missing_from_lists()
    {
        var developer = factory.CreateUserClient("backend-dev");

        var root = await developer.GetJsonAsync("/api/json");
        using var hidden = await developer.GetAsync(new Uri("/job/deploy/job/deploy-shop/api/json", UriKind.Relative));
        var visible = await developer.GetJsonAsync("/job/backend/job/payments-service/api/json");

        Assert.Equal(["backend"], root.GetProperty("jobs").EnumerateArray().Select(job => job.StringOrNull("name")));
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        Assert.Equal("payments-service", visible.StringOrNull("name"));
    }

    [Fact]
    public async Task A_user_who_may_only_discover_a_job_gets_403_naming_job_read()
    {
        using var response = await factory.CreateUserClient("discoverer").GetAsync(new Uri("/job/nightly-db-backup/api/json", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("hudson.model.Item.Read", Assert.Single(response.Headers.GetValues("X-Required-Permission")));
    }

    [Fact]
    public async Task A_user_without_overall_read_is_403_everywhere_but_who_am_i()
    {
        var outsider = factory.CreateUserClient("outsider");

        using var root = await outsider.GetAsync(new Uri("/api/json", UriKind.Relative));
        var me = await outsider.GetJsonAsync("/whoAmI/api/json");

        Assert.Equal(HttpStatusCode.Forbidden, root.StatusCode);
        Assert.Equal("hudson.model.Hudson.Read", Assert.Single(root.Headers.GetValues("X-Required-Permission")));
        Assert.Equal("outsider", me.StringOrNull("name"));
    }
}
