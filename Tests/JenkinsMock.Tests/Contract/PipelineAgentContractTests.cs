namespace McpAspire.JenkinsMock.Tests.Contract;

/// <summary>
/// A Pipeline run is a flyweight task: it starts at once on a one-off executor (Computer.oneOffExecutors, from
/// Queue.maintain / Computer.startFlyWeightTask), and its <c>node(label) {}</c> block waits in the queue as an
/// ExecutorStepExecution.PlaceholderTask whose url is the run's, then holds an agent executor as a
/// PlaceholderExecutable (workflow-durable-task-step).
/// </summary>
public sealed class PipelineAgentContractTests(JenkinsMockFactory factory) : IClassFixture<JenkinsMockFactory>
{
    private const string PlaceholderTask = "org.jenkinsci.plugins.workflow.support.steps.ExecutorStepExecution$PlaceholderTask";
    private readonly HttpClient _client = factory.CreateTokenClient();

    [Fact]
    public async Task A_pipeline_waiting_for_an_offline_label_has_a_number_and_a_placeholder_queue_item_with_its_url()
    {
        var job = TestJobs.CreatePipeline(factory, configure: null, agentLabel: "windows");
        using var trigger = await _client.PostAsync($"{job}build?delay=0sec");
        var itemPath = JenkinsHttp.PathOf(trigger.Headers.Location);

        var left = await JenkinsHttp.WaitForAsync(async () =>
        {
            var item = await _client.GetJsonAsync($"{itemPath}api/json");
            return item.TryGetProperty("executable", out var executable) && executable.ValueKind == JsonValueKind.Object ? (JsonElement?)item : null;
        }, "the run to start");
        var runUrl = new Uri(left.GetProperty("executable").GetProperty("url").GetString()!).AbsolutePath.TrimStart('/');
        var queue = await _client.GetJsonAsync("/queue/api/json?tree=items[id,why,buildable,task[_class,name,url]]");
        var placeholder = Assert.Single(queue.GetProperty("items").EnumerateArray(), item => item.GetProperty("task").StringOrNull("url") == runUrl);
        var run = await _client.GetJsonAsync($"/{runUrl}api/json");
        var builtIn = await _client.GetJsonAsync("/computer/(built-in)/api/json?tree=oneOffExecutors[number,currentExecutable[url]]");

        Assert.Equal(PlaceholderTask, placeholder.GetProperty("task").StringOrNull("_class"));
        Assert.Equal("All nodes of label ‘windows’ are offline", placeholder.StringOrNull("why"));
        Assert.StartsWith("part of ", placeholder.GetProperty("task").StringOrNull("name"), StringComparison.Ordinal);
        Assert.True(run.GetProperty("building").GetBoolean());
        Assert.Contains(builtIn.GetProperty("oneOffExecutors").EnumerateArray(),
            executor => executor.GetProperty("number").GetInt32() == -1 && executor.GetProperty("currentExecutable").StringOrNull("url")!.EndsWith(runUrl, StringComparison.Ordinal));

        using var stop = await _client.PostAsync($"/{runUrl}stop");
        var after = await _client.GetJsonAsync("/queue/api/json?tree=items[task[url]]");
        Assert.DoesNotContain(after.GetProperty("items").EnumerateArray(), item => item.GetProperty("task").StringOrNull("url") == runUrl);
    }

    [Fact]
    public async Task A_pipeline_on_an_agent_shows_a_placeholder_executable_on_that_agents_executor()
    {
        var job = TestJobs.CreatePipeline(factory, configure: null, agentLabel: "linux", slow: true);
        using var trigger = await _client.PostAsync($"{job}build?delay=0sec");

        var executor = await JenkinsHttp.WaitForAsync(async () =>
        {
            var computers = await _client.GetJsonAsync("/computer/api/json?tree=computer[displayName,executors[currentExecutable[_class,url,number]]]");
            return computers.GetProperty("computer").EnumerateArray()
                .SelectMany(computer => computer.GetProperty("executors").EnumerateArray())
                .Select(e => e.GetProperty("currentExecutable"))
                .Where(e => e.ValueKind == JsonValueKind.Object && e.StringOrNull("url")!.EndsWith(job.TrimStart('/') + "1/", StringComparison.Ordinal))
                .Select(e => (JsonElement?)e)
                .FirstOrDefault();
        }, "the node block to take an agent executor");

        Assert.Equal(PlaceholderTask + "$PlaceholderExecutable", executor.StringOrNull("_class"));
        Assert.Equal(1, executor.GetProperty("number").GetInt32());
        using var stop = await _client.PostAsync($"{job}1/stop");
    }
}
