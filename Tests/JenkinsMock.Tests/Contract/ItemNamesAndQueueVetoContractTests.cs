namespace McpAspire.JenkinsMock.Tests.Contract;

/// <summary>
/// Multibranch branch jobs are named URL-encoded by branch-api's NameEncoder ("feature/checkout" is the item
/// "feature%2Fcheckout", its URL encodes it again); a queue request a QueueDecisionHandler vetoes gets no item,
/// and ParameterizedJobMixIn.doBuild then redirects to the job (302).
/// </summary>
public sealed class ItemNamesAndQueueVetoContractTests(JenkinsMockFactory factory) : IClassFixture<JenkinsMockFactory>
{
    private readonly HttpClient _client = factory.CreateTokenClient();

    [Fact]
    public async Task A_branch_job_is_named_url_encoded_and_its_url_encodes_that_name_again()
    {
        var shop = await _client.GetJsonAsync("/job/shop/api/json?tree=_class,jobs[name,displayName,fullName,url]");
        var branch = Assert.Single(shop.GetProperty("jobs").EnumerateArray(), job => job.StringOrNull("displayName") == "feature/checkout");
        var byUrl = await _client.GetJsonAsync("/job/shop/job/feature%252Fcheckout/api/json?tree=fullName");

        Assert.Equal("org.jenkinsci.plugins.workflow.multibranch.WorkflowMultiBranchProject", shop.StringOrNull("_class"));
        Assert.Equal("feature%2Fcheckout", branch.StringOrNull("name"));
        Assert.Equal("shop/feature%2Fcheckout", branch.StringOrNull("fullName"));
        Assert.EndsWith("/job/shop/job/feature%252Fcheckout/", branch.StringOrNull("url"), StringComparison.Ordinal);
        Assert.Equal("shop/feature%2Fcheckout", byUrl.StringOrNull("fullName"));
    }

    [Fact]
    public async Task A_vetoed_build_request_is_302_to_the_job_and_queues_nothing()
    {
        using var response = await _client.PostAsync("/job/release-freeze/build");
        var job = await _client.GetJsonAsync("/job/release-freeze/api/json?tree=inQueue,nextBuildNumber");

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.EndsWith("/job/release-freeze/", response.Headers.Location?.ToString(), StringComparison.Ordinal);
        Assert.False(job.GetProperty("inQueue").GetBoolean());
        Assert.Equal(1, job.GetProperty("nextBuildNumber").GetInt32());
    }
}
