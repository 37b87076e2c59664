namespace McpAspire.JenkinsMock.Tests.Contract;

/// <summary>Reference: left items live only a while, then 404; the build is still found by its queueId.</summary>
public sealed class QueueItemLifetimeContractTests(JenkinsMockWithShortLivedLeftItemsFactory factory) : IClassFixture<JenkinsMockWithShortLivedLeftItemsFactory>
{
    private readonly HttpClient _client = factory.CreateTokenClient();

    [Fact]
    public async Task A_left_item_disappears_after_its_lifetime_and_the_build_keeps_its_queue_id()
    {
        var job = TestJobs.CreateFreestyle(factory);
        var (itemPath, left) = await _client.StartAndWaitForLeftItemAsync(job);

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
