namespace McpAspire.JenkinsMock.Tests.Contract;

/// <summary>Reference: left items live only a while, then 404; the build is still found by its queueId.</summary>
public sealed class QueueItemLifetimeContractTests(JenkinsMockWithShortLivedLeftItemsFactory factory) : IClassFixture<JenkinsMockWithShortLivedLeftItemsFactory>
{
    private readonly HttpClient _client = factory.CreateTokenClient();

    [Fact]
    public async Task A_left_item_disappears_after_its_lifetime_and_the_build_keeps_its_queue_id()
    {
        var job = TestJobs.CreateFreestyle(factory);
        using var trigger = await _client.PostAsync($"{job}build?delay=0sec");
        var itemPath = JenkinsHttp.PathOf(trigger.Headers.Location);
        var left = await JenkinsHttp.WaitForAsync(async () =>
        {
            var item = await _client.GetJsonAsync($"{itemPath}api/json");
            return item.TryGetProperty("executable", out _) ? (JsonElement?)item : null;
        }, "the item to leave the queue");

        await JenkinsHttp.WaitForAsync(async () =>
        {
            using var response = await _client.GetAsync(new Uri($"{itemPath}api/json", UriKind.Relative));
            return response.StatusCode == HttpStatusCode.NotFound ? (bool?)true : null;
        }, "the left item to be forgotten");
        var builds = await _client.GetJsonAsync($"{job}api/json?tree=builds[number,queueId]");

        var build = Assert.Single(builds.GetProperty("builds").EnumerateArray());
        Assert.Equal(left.GetProperty("id").GetInt64(), build.GetProperty("queueId").GetInt64());
    }
}
