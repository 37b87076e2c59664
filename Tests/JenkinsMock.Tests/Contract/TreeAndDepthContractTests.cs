namespace McpAspire.JenkinsMock.Tests.Contract;

/// <summary>Reference, "General": <c>?tree=</c> with nested brackets and <c>{M,N}</c> ranges, <c>?depth=N</c>.</summary>
public sealed class TreeAndDepthContractTests(JenkinsMockFactory factory) : IClassFixture<JenkinsMockFactory>
{
    private const string Payments = "/job/backend/job/payments-service/api/json";
    private readonly HttpClient _client = factory.CreateTokenClient();

    [Fact]
    public async Task A_tree_limits_the_answer_to_the_named_fields_plus_class()
    {
        var root = await _client.GetJsonAsync("/api/json?tree=jobs[name]");

        Assert.Equal(["_class", "jobs"], root.PropertyNames());
        Assert.All(root.GetProperty("jobs").EnumerateArray(), job => Assert.Equal(["_class", "name"], job.PropertyNames()));
    }

    [Fact]
    public async Task Trees_nest_with_brackets()
    {
        var folder = await _client.GetJsonAsync("/job/backend/api/json?tree=name,jobs[name,lastBuild[number,result]]");

        Assert.Equal(["_class", "name", "jobs"], folder.PropertyNames());
        var payments = folder.GetProperty("jobs").EnumerateArray().Single(j => j.GetProperty("name").GetString() == "payments-service");
        Assert.Equal(["_class", "number", "result"], payments.GetProperty("lastBuild").PropertyNames());
    }

    [Fact]
    public async Task A_field_named_without_brackets_shows_only_the_class_of_its_objects()
    {
        var root = await _client.GetJsonAsync("/api/json?tree=primaryView");

        Assert.Equal(["_class"], root.GetProperty("primaryView").PropertyNames());
    }

    [Fact]
    public async Task Ranges_slice_arrays()
    {
        var all = Numbers(await _client.GetJsonAsync($"{Payments}?tree=builds[number]"));

        Assert.Equal(all[..2], Numbers(await _client.GetJsonAsync($"{Payments}?tree=builds[number]{{0,2}}")));
        Assert.Equal(all[3..], Numbers(await _client.GetJsonAsync($"{Payments}?tree=builds[number]{{3,}}")));
        Assert.Equal(all[..4], Numbers(await _client.GetJsonAsync($"{Payments}?tree=builds[number]{{,4}}")));
        Assert.Equal([all[5]], Numbers(await _client.GetJsonAsync($"{Payments}?tree=builds[number]{{5}}")));
        Assert.Equal(all[2..5], Numbers(await _client.GetJsonAsync($"{Payments}?tree=builds[number]{{2,5}}")));
    }

    [Fact]
    public async Task All_builds_appear_only_when_asked_for_in_a_tree()
    {
        var plain = await _client.GetJsonAsync(Payments);
        var tree = await _client.GetJsonAsync($"{Payments}?tree=allBuilds[number]");

        Assert.False(plain.TryGetProperty("allBuilds", out _));
        Assert.Equal(plain.GetProperty("builds").GetArrayLength(), tree.GetProperty("allBuilds").GetArrayLength());
    }

    [Theory]
    [InlineData("jobs[name")]
    [InlineData("jobs[name]{a,b}")]
    [InlineData("jobs[name]{5,2}")]
    [InlineData(",")]
    public async Task A_malformed_tree_is_a_bad_request(string tree)
    {
        using var response = await _client.GetAsync(new Uri($"/api/json?tree={Uri.EscapeDataString(tree)}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task An_absurdly_nested_tree_is_a_bad_request_not_a_crash()
    {
        var tree = string.Concat(Enumerable.Repeat("jobs[", 2000)) + "name" + new string(']', 2000);

        using var response = await _client.GetAsync(new Uri($"/api/json?tree={tree}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Depth_zero_shows_nested_objects_by_their_summary_fields_only()
    {
        var root = await _client.GetJsonAsync("/api/json");

        var folder = root.GetProperty("jobs").EnumerateArray().First();
        Assert.Equal(["_class", "name", "url"], folder.PropertyNames());
    }

    [Fact]
    public async Task Depth_one_expands_one_more_level()
    {
        var root = await _client.GetJsonAsync("/api/json?depth=1");

        var folder = root.GetProperty("jobs").EnumerateArray().First(j => j.GetProperty("name").GetString() == "backend");
        Assert.True(folder.TryGetProperty("description", out _));
        var payments = folder.GetProperty("jobs").EnumerateArray().Single(j => j.GetProperty("name").GetString() == "payments-service");
        Assert.Equal(["_class", "name", "url", "color"], payments.PropertyNames());
    }

    [Fact]
    public async Task Executors_are_empty_objects_at_depth_zero_and_detailed_at_depth_one()
    {
        var shallow = await _client.GetJsonAsync("/computer/api/json");
        var deep = await _client.GetJsonAsync("/computer/api/json?depth=1");

        Assert.All(shallow.GetProperty("computer")[0].GetProperty("executors").EnumerateArray(), executor => Assert.Empty(executor.PropertyNames()));
        var executor = deep.GetProperty("computer")[0].GetProperty("executors")[0];
        Assert.True(executor.TryGetProperty("idle", out _));
        Assert.True(executor.TryGetProperty("number", out _));
        Assert.True(executor.TryGetProperty("currentExecutable", out _));
    }

    [Fact]
    public async Task A_build_list_shows_number_and_url_at_depth_zero_and_results_at_depth_one()
    {
        var shallow = await _client.GetJsonAsync(Payments);
        var deep = await _client.GetJsonAsync($"{Payments}?depth=1");

        Assert.Equal(["_class", "number", "url"], shallow.GetProperty("builds")[0].PropertyNames());
        Assert.Equal(JsonValueKind.String, deep.GetProperty("builds")[0].GetProperty("result").ValueKind);
    }

    [Fact]
    public async Task Tree_and_depth_apply_to_every_json_answer()
    {
        var queue = await _client.GetJsonAsync("/queue/api/json?tree=items[id]");
        var whoAmI = await _client.GetJsonAsync("/whoAmI/api/json?tree=name");
        var report = await _client.GetJsonAsync("/job/backend/job/payments-service/lastUnstableBuild/testReport/api/json?tree=failCount,suites[name]{0,1}");
        var computer = await _client.GetJsonAsync("/computer/api/json?tree=totalExecutors");

        Assert.Equal(["_class", "items"], queue.PropertyNames());
        Assert.Equal(["_class", "name"], whoAmI.PropertyNames());
        Assert.Equal(["_class", "failCount", "suites"], report.PropertyNames());
        Assert.Equal(1, report.GetProperty("suites").GetArrayLength());
        Assert.Equal(["_class", "totalExecutors"], computer.PropertyNames());
    }

    [Fact]
    public async Task A_negative_or_non_numeric_depth_is_a_bad_request()
    {
        using var response = await _client.GetAsync(new Uri("/api/json?depth=deep", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private static int[] Numbers(JsonElement job) => job.GetProperty("builds").EnumerateArray().Select(b => b.GetProperty("number").GetInt32()).ToArray();
}
