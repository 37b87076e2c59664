namespace McpAspire.JenkinsMock.Tests.Contract;

/// <summary>
/// pipeline-stage-view's REST API (RunExt at <c>wfapi/describe</c>, StageNodeExt, FlowNodeLogExt with HTML text),
/// Run.doArtifact, Run.doSubmitDescription (Run/Update) and workflow-cps' ReplayAction.doRebuild.
/// </summary>
public sealed class WorkflowAndArtifactContractTests(JenkinsMockFactory factory) : IClassFixture<JenkinsMockFactory>
{
    private readonly HttpClient _client = factory.CreateTokenClient();

    [Fact]
    public async Task A_pipeline_run_describes_its_stages_and_each_stage_links_its_steps_log()
    {
        var run = await _client.GetJsonAsync("/job/frontend/job/web-app/1/wfapi/describe");
        var stages = run.GetProperty("stages").EnumerateArray().ToList();
        var install = stages.Single(stage => stage.StringOrNull("name") == "Install");
        var stage = await _client.GetJsonAsync($"/job/frontend/job/web-app/1/execution/node/{install.StringOrNull("id")}/wfapi/describe");
        var logHref = stage.GetProperty("stageFlowNodes")[0].GetProperty("_links").GetProperty("log").StringOrNull("href")!;
        var log = await _client.GetJsonAsync(logHref);

        Assert.False(run.TryGetProperty("_class", out _));
        Assert.Equal("1", run.StringOrNull("id"));
        Assert.Equal("Declarative: Checkout SCM", stages[0].StringOrNull("name"));
        Assert.All(stages, s => Assert.True(s.GetProperty("durationMillis").GetInt64() > 0));
        Assert.Equal("/job/frontend/job/web-app/1/wfapi/describe", run.GetProperty("_links").GetProperty("self").StringOrNull("href"));
        Assert.Equal("SUCCESS", log.StringOrNull("nodeStatus"));
        Assert.Contains("<span class=\"pipeline-new-node\"", log.StringOrNull("text"), StringComparison.Ordinal);
        Assert.False(log.GetProperty("hasMore").GetBoolean());
    }

    [Fact]
    public async Task A_freestyle_build_has_no_wfapi()
    {
        using var response = await _client.GetAsync(new Uri("/job/backend/job/payments-service/1/wfapi/describe", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task An_archived_text_file_is_served_typed_by_its_extension_and_an_unknown_path_is_404()
    {
        using var text = await _client.GetAsync(new Uri("/job/backend/job/payments-service/1/artifact/target/build-info.txt", UriKind.Relative));
        using var missing = await _client.GetAsync(new Uri("/job/backend/job/payments-service/1/artifact/target/nothing.txt", UriKind.Relative));

        Assert.Equal("text/plain", text.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("artifact=payments-service", await text.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Submitting_a_description_needs_run_update_and_redirects_to_the_build()
    {
        var job = TestJobs.CreateFreestyle(factory, configure: TestJobs.StartSilentBuild);
        using var form = new FormUrlEncodedContent([KeyValuePair.Create("description", "released 2.4.1")]);

        using var denied = await factory.CreateUserClient("builder").PostAsync(new Uri($"{job}1/submitDescription", UriKind.Relative), form);
        using var done = await _client.PostAsync(new Uri($"{job}1/submitDescription", UriKind.Relative), form);
        var build = await _client.GetJsonAsync($"{job}1/api/json?tree=description");

        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Equal("hudson.model.Run.Update", Assert.Single(denied.Headers.GetValues("X-Required-Permission")));
        Assert.Equal(HttpStatusCode.Found, done.StatusCode);
        Assert.EndsWith($"{job}1/", done.Headers.Location?.ToString(), StringComparison.Ordinal);
        Assert.Equal("released 2.4.1", build.StringOrNull("description"));
    }

    [Fact]
    public async Task Replaying_a_pipeline_run_queues_a_build_caused_by_the_replay_and_redirects_to_the_job()
    {
        var job = TestJobs.CreatePipeline(factory);
        using var first = await _client.PostAsync($"{job}build?delay=0sec");
        await JenkinsHttp.WaitForAsync(async () => (await _client.GetJsonAsync($"{job}api/json?tree=lastCompletedBuild[number]")).GetProperty("lastCompletedBuild").ValueKind == JsonValueKind.Object ? (bool?)true : null, "build #1 to finish");

        using var replay = await _client.PostAsync($"{job}1/replay/rebuild");
        var second = await JenkinsHttp.WaitForAsync(async () =>
        {
            using var response = await _client.GetAsync(new Uri($"{job}2/api/json?tree=actions[causes[shortDescription]]", UriKind.Relative));
            return response.IsSuccessStatusCode ? JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone() : (JsonElement?)null;
        }, "the replay to start");

        Assert.Equal(HttpStatusCode.Found, replay.StatusCode);
        Assert.EndsWith(job, replay.Headers.Location?.ToString(), StringComparison.Ordinal);
        Assert.Contains("Replayed #1", second.GetRawText(), StringComparison.Ordinal);
    }
}
