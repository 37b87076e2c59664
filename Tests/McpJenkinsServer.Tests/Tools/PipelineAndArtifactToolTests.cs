namespace McpAspire.McpJenkinsServer.Tests.Tools;

/// <summary>
/// Stages and a stage's log through pipeline-stage-view's wfapi (RunExt, StageNodeExt, FlowNodeLogExt), archived
/// artifacts (Run.doArtifact), a build's description (Run.doSubmitDescription) and replay (ReplayAction.doRebuild).
/// </summary>
public sealed class PipelineAndArtifactToolTests(JenkinsMockFactory mock) : IClassFixture<JenkinsMockFactory>
{
    private JenkinsClient Jenkins => mock.CreateJenkinsClient();

    [Fact]
    public async Task A_failed_pipelines_stages_show_where_it_failed_and_that_stages_log()
    {
        var tools = new PipelineTools(Jenkins);
        var history = await new BuildTools(Jenkins).ListBuilds("frontend/web-app", limit: 20);
        var failed = history.Builds.First(build => build.Result == "FAILURE").Number.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var stages = await tools.GetPipelineStages("frontend/web-app", failed);
        var failedStage = Assert.Single(stages.Stages, stage => stage.Status == "FAILED");
        var log = await tools.GetStageLog("frontend/web-app", failedStage.Name!, failed);
        var consoleTail = await new BuildLogTools(Jenkins).GetBuildLog("frontend/web-app", failed, tail: 30);

        Assert.Equal("FAILED", stages.Status);
        Assert.All(stages.Stages.TakeWhile(stage => stage != failedStage), stage => Assert.Equal("SUCCESS", stage.Status));
        Assert.StartsWith($"[Pipeline] {{ ({failedStage.Name})", log.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("<span", log.Text, StringComparison.Ordinal);
        Assert.Contains(log.Text.TrimEnd('\n').Split('\n')[^1], consoleTail.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stages_of_a_freestyle_build_and_an_unknown_stage_are_tool_errors()
    {
        var tools = new PipelineTools(Jenkins);

        var freestyle = await Assert.ThrowsAsync<JenkinsException>(() => tools.GetPipelineStages("backend/payments-service", "lastBuild"));
        var unknown = await Assert.ThrowsAsync<JenkinsException>(() => tools.GetStageLog("frontend/web-app", "Nope", "lastCompletedBuild"));

        Assert.Equal(JenkinsError.NotFound, freestyle.Error);
        Assert.Contains("Pipeline", freestyle.Message, StringComparison.Ordinal);
        Assert.Contains("Install", unknown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Artifacts_are_listed_a_text_one_is_read_bounded_and_a_binary_one_refused()
    {
        var tools = new ArtifactTools(Jenkins);

        var list = await tools.ListArtifacts("backend/payments-service");
        var text = await tools.ReadArtifact("backend/payments-service", "target/build-info.txt");
        var cut = await tools.ReadArtifact("backend/payments-service", "target/build-info.txt", max_bytes: 10);
        var jar = list.Artifacts.Single(artifact => artifact.Path.EndsWith(".jar", StringComparison.Ordinal));
        var binary = await Assert.ThrowsAsync<JenkinsException>(() => tools.ReadArtifact("backend/payments-service", jar.Path));

        Assert.Contains(list.Artifacts, artifact => artifact.Path == "target/build-info.txt");
        Assert.StartsWith("artifact=payments-service\n", text.Text, StringComparison.Ordinal);
        Assert.False(text.Truncated);
        Assert.Equal("artifact=p", cut.Text);
        Assert.True(cut.Truncated);
        Assert.Contains("binary", binary.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_description_is_set_and_read_back()
    {
        var control = new BuildControlTools(Jenkins, new BuildLauncher(Jenkins, TimeProvider.System));

        await control.SetBuildDescription("backend/payments-service", 3, "Flaky: currency provider 503");
        var build = await new BuildTools(Jenkins).GetBuild("backend/payments-service", "3");

        Assert.Equal("Flaky: currency provider 503", build.Description);
    }

    [Fact]
    public async Task A_replay_queues_a_new_run_caused_by_the_replay_and_a_freestyle_build_is_refused()
    {
        var control = new BuildControlTools(Jenkins, new BuildLauncher(Jenkins, TimeProvider.System));
        var before = (await new JobTools(Jenkins).GetJob("deploy/deploy-shop")).RecentBuilds[0].Number;

        var replayed = await control.ReplayPipeline("deploy/deploy-shop", "1");
        var freestyle = await Assert.ThrowsAsync<JenkinsException>(() => control.ReplayPipeline("backend/payments-service", "1"));
        var replay = await WaitForBuildAsync("deploy/deploy-shop", before + 1);

        Assert.Contains("replay of #1", replayed.Message, StringComparison.Ordinal);
        Assert.Contains("Replayed #1", replay.Causes);
        Assert.Contains("not a Pipeline build", freestyle.Message, StringComparison.Ordinal);
        await control.StopBuild("deploy/deploy-shop", before + 1);
    }

    private async Task<Model.Results.BuildDetail> WaitForBuildAsync(string job, int number)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            try
            {
                return await new BuildTools(Jenkins).GetBuild(job, number.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            catch (JenkinsException exception) when (exception.Error == JenkinsError.NotFound)
            {
                await Task.Delay(100, timeout.Token);
            }
        }
    }
}
