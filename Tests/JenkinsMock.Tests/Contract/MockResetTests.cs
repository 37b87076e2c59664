namespace McpAspire.JenkinsMock.Tests.Contract;

/// <summary>The mock's own reset (not a Jenkins endpoint), behind the dashboard button.</summary>
public sealed class MockResetTests(JenkinsMockFactory factory) : IClassFixture<JenkinsMockFactory>
{
    [Fact]
    public async Task Reset_brings_back_the_seeded_instance_and_drops_everything_added_since()
    {
        using var client = factory.CreateTokenClient();
        var job = TestJobs.CreateFreestyle(factory);
        using var trigger = await client.PostAsync($"{job}build?delay=60sec");
        Assert.Equal(HttpStatusCode.Created, trigger.StatusCode);

        using var reset = await client.PostAsync("/mock/reset");
        using var gone = await client.GetAsync(new Uri($"{job}api/json", UriKind.Relative));
        var queue = await client.GetJsonAsync("/queue/api/json");
        var payments = await client.GetJsonAsync("/job/backend/job/payments-service/api/json");

        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Empty(queue.GetProperty("items").EnumerateArray());
        Assert.Equal(13, payments.GetProperty("nextBuildNumber").GetInt32());
    }

    [Fact]
    public async Task Reset_is_refused_to_anonymous_callers()
    {
        using var client = factory.CreateAnonymousClient();

        using var reset = await client.PostAsync("/mock/reset");

        Assert.Equal(HttpStatusCode.Forbidden, reset.StatusCode);
    }
}
