using System.Globalization;
using System.Text;

namespace McpAspire.JenkinsMock.Tests.Contract;

/// <summary>
/// Reference, "Triggering and the queue" and "Builds": a build followed from its queue item to its
/// result through progressive log polling; abort and cancel; the trigger error statuses.
/// </summary>
public sealed partial class BuildLifecycleContractTests(JenkinsMockFactory factory) : IClassFixture<JenkinsMockFactory>
{
    private readonly HttpClient _client = factory.CreateTokenClient();

    [Fact]
    public async Task A_triggered_build_goes_from_queue_item_to_finished_build_through_the_progressive_log()
    {
        var job = TestJobs.CreateFreestyle(factory);

        // A quiet period long enough to be seen even on a busy machine.
        using var trigger = await _client.PostAsync($"{job}build?delay=2sec");
        Assert.Equal(HttpStatusCode.Created, trigger.StatusCode);
        var itemPath = JenkinsHttp.PathOf(trigger.Headers.Location);
        Assert.Matches("^/queue/item/[0-9]+/$", itemPath);

        var waiting = await _client.GetJsonAsync($"{itemPath}api/json");
        Assert.Equal("hudson.model.Queue$WaitingItem", waiting.GetProperty("_class").GetString());
        Assert.StartsWith("In the quiet period.", waiting.GetProperty("why").GetString(), StringComparison.Ordinal);
        Assert.Equal(itemPath.TrimStart('/'), waiting.GetProperty("url").GetString());
        Assert.EndsWith(job, waiting.GetProperty("task").GetProperty("url").GetString(), StringComparison.Ordinal);
        var itemId = waiting.GetProperty("id").GetInt64();

        var executable = await JenkinsHttp.WaitForAsync(async () =>
        {
            var item = await _client.GetJsonAsync($"{itemPath}api/json");
            return item.TryGetProperty("executable", out var started) && started.ValueKind == JsonValueKind.Object ? (JsonElement?)item : null;
        }, "the queue item to start a build");
        Assert.Equal("hudson.model.Queue$LeftItem", executable.GetProperty("_class").GetString());
        Assert.False(executable.GetProperty("cancelled").GetBoolean());
        var buildUrl = new Uri(executable.GetProperty("executable").GetProperty("url").GetString()!);
        Assert.Equal(1, executable.GetProperty("executable").GetProperty("number").GetInt32());

        var log = new StringBuilder();
        long offset = 0;
        var sawMoreData = false;
        var polls = 0;
        while (true)
        {
            using var chunk = await _client.GetAsync(new Uri($"{buildUrl.AbsolutePath}logText/progressiveText?start={offset}", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, chunk.StatusCode);
            Assert.Equal("text/plain; charset=UTF-8", chunk.Content.Headers.ContentType?.ToString());
            log.Append(await chunk.Content.ReadAsStringAsync());
            offset = long.Parse(Assert.Single(chunk.Headers.GetValues("X-Text-Size")), CultureInfo.InvariantCulture);
            polls++;
            if (!chunk.Headers.Contains("X-More-Data"))
            {
                break;
            }

            Assert.Equal("true", Assert.Single(chunk.Headers.GetValues("X-More-Data")));
            sawMoreData = true;
            Assert.True(polls < 2000, "the log never finished");
            await Task.Delay(20);
        }

        Assert.True(sawMoreData, "the log was never seen growing");
        using var console = await _client.GetAsync(new Uri($"{buildUrl.AbsolutePath}consoleText", UriKind.Relative));
        // progressiveText is the raw log (console notes included) with LF written as CR LF; X-Text-Size counts raw bytes.
        var raw = log.ToString().Replace("\r\n", "\n", StringComparison.Ordinal);
        Assert.Equal(offset, Encoding.UTF8.GetByteCount(raw));
        Assert.Equal(await console.Content.ReadAsStringAsync(), ConsoleNotePattern().Replace(raw, ""));
        Assert.EndsWith("Finished: SUCCESS\r\n", log.ToString(), StringComparison.Ordinal);

        var build = await _client.GetJsonAsync($"{buildUrl.AbsolutePath}api/json");
        Assert.Equal("SUCCESS", build.GetProperty("result").GetString());
        Assert.False(build.GetProperty("building").GetBoolean());
        Assert.True(build.GetProperty("duration").GetInt64() > 0);
        Assert.Equal(itemId, build.GetProperty("queueId").GetInt64());
        var jobAfter = await _client.GetJsonAsync($"{job}api/json");
        Assert.Equal("blue", jobAfter.GetProperty("color").GetString());
        Assert.Equal(2, jobAfter.GetProperty("nextBuildNumber").GetInt32());
    }

    [Fact]
    public async Task A_running_build_has_a_null_result_zero_duration_and_an_animated_colour()
    {
        var job = TestJobs.CreateSlowFreestyle(factory);

        using var trigger = await _client.PostAsync($"{job}build?delay=0sec");
        var running = await WaitForBuildAsync(job, 1, build => build.GetProperty("building").GetBoolean());
        var jobWhileRunning = await _client.GetJsonAsync($"{job}api/json");

        Assert.Equal(JsonValueKind.Null, running.GetProperty("result").ValueKind);
        Assert.True(running.GetProperty("inProgress").GetBoolean());
        Assert.Equal(0, running.GetProperty("duration").GetInt64());
        Assert.Equal(-1, running.GetProperty("estimatedDuration").GetInt64());
        Assert.Equal("notbuilt_anime", jobWhileRunning.GetProperty("color").GetString());
        await _client.PostAsync($"{job}1/stop");
    }

    [Fact]
    public async Task Build_with_parameters_passes_the_values_to_the_queue_item_and_the_build()
    {
        var job = TestJobs.CreateParameterized(factory);

        using var trigger = await _client.PostAsync($"{job}buildWithParameters?BRANCH=feature%2Fx&SKIP_TESTS=true&TARGET=qa");
        Assert.Equal(HttpStatusCode.Created, trigger.StatusCode);
        var item = await _client.GetJsonAsync($"{JenkinsHttp.PathOf(trigger.Headers.Location)}api/json");
        var build = await WaitForBuildAsync(job, 1, _ => true);

        Assert.Equal("\nBRANCH=feature/x\nSKIP_TESTS=true\nTARGET=qa", item.GetProperty("params").GetString());
        var parameters = build.GetProperty("actions").EnumerateArray()
            .Single(a => a.StringOrNull("_class") == "hudson.model.ParametersAction").GetProperty("parameters").EnumerateArray()
            .ToDictionary(p => p.GetProperty("name").GetString()!, p => p.GetProperty("value"));
        Assert.Equal("feature/x", parameters["BRANCH"].GetString());
        Assert.True(parameters["SKIP_TESTS"].GetBoolean());
        Assert.Equal("qa", parameters["TARGET"].GetString());
    }

    // Posted as a form: buildWithParameters takes each parameter as a field, build on a parameterized job takes them
    // all in the json field (as Jenkins' own build form sends them); parameters not given get their defaults.
    [Theory]
    [InlineData("buildWithParameters", "TARGET", "prod", "\nBRANCH=main\nSKIP_TESTS=false\nTARGET=prod")]
    [InlineData("build", "json", """{"parameter":[{"name":"BRANCH","value":"release"},{"name":"SKIP_TESTS","value":true}]}""", "\nBRANCH=release\nSKIP_TESTS=true\nTARGET=dev")]
    public async Task A_parameterized_job_takes_its_parameters_from_form_fields_and_fills_in_defaults(string action, string field, string value, string expected)
    {
        var job = TestJobs.CreateParameterized(factory);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { [field] = value });

        var (status, parameters) = await QueueWithFormAsync($"{job}{action}?delay=60sec", form);

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(expected, parameters);
    }

    [Fact]
    public async Task An_identical_queued_item_answers_303_to_that_item()
    {
        var job = TestJobs.CreateParameterized(factory);

        using var first = await _client.PostAsync($"{job}buildWithParameters?delay=60sec&TARGET=dev");
        using var second = await _client.PostAsync($"{job}buildWithParameters?delay=60sec&TARGET=dev");
        using var different = await _client.PostAsync($"{job}buildWithParameters?delay=60sec&TARGET=qa");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.SeeOther, second.StatusCode);
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Equal(HttpStatusCode.Created, different.StatusCode);
        Assert.NotEqual(first.Headers.Location, different.Headers.Location);
    }

    [Fact]
    public async Task An_identical_item_via_build_on_a_job_without_parameters_answers_201_with_that_item()
    {
        var job = TestJobs.CreateFreestyle(factory);

        using var first = await _client.PostAsync($"{job}build?delay=60sec");
        using var second = await _client.PostAsync($"{job}build?delay=60sec");
        var queue = await _client.GetJsonAsync("/queue/api/json");

        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        // Other tests' items may be in the queue too, a Pipeline's placeholder among them, whose task shows no url at
        // this depth (as in Jenkins): only this job's items are counted.
        Assert.Single(queue.GetProperty("items").EnumerateArray(), i =>
            i.GetProperty("task").TryGetProperty("url", out var url) && url.GetString()!.EndsWith(job, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Identical_parameters_via_build_redirect_302_to_the_job()
    {
        var job = TestJobs.CreateParameterized(factory);
        var json = """{"parameter":[{"name":"TARGET","value":"qa"}]}""";

        using var firstForm = new FormUrlEncodedContent(new Dictionary<string, string> { ["json"] = json });
        using var first = await _client.PostAsync(new Uri($"{job}build?delay=60sec", UriKind.Relative), firstForm);
        using var secondForm = new FormUrlEncodedContent(new Dictionary<string, string> { ["json"] = json });
        using var second = await _client.PostAsync(new Uri($"{job}build?delay=60sec", UriKind.Relative), secondForm);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Found, second.StatusCode);
        Assert.Equal(job, JenkinsHttp.PathOf(second.Headers.Location));
    }

    [Fact]
    public async Task A_json_submission_naming_an_unknown_parameter_is_400()
    {
        var job = TestJobs.CreateParameterized(factory);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["json"] = """{"parameter":{"name":"NOPE","value":"x"}}""" });

        using var response = await _client.PostAsync(new Uri($"{job}build", UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_GET_on_build_of_a_parameterized_job_shows_the_parameter_form()
    {
        var job = TestJobs.CreateParameterized(factory);

        using var response = await _client.GetAsync(new Uri($"{job}build", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_GET_on_build_of_a_disabled_job_is_409_before_the_method_check()
    {
        var job = TestJobs.CreateFreestyle(factory, disabled: true);

        using var response = await _client.GetAsync(new Uri($"{job}build", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
    }

    [Fact]
    /// <summary>Queue.doCancelItem: a left item is found, but Queue.cancel fails: 500 "Could not cancel run for id N".</summary>
    public async Task Cancelling_an_item_that_already_started_is_a_500_without_changing_the_build()
    {
        var job = TestJobs.CreateFreestyle(factory);
        var (itemPath, left) = await _client.StartAndWaitForLeftItemAsync(job);

        using var cancel = await _client.PostAsync($"/queue/cancelItem?id={left.GetProperty("id").GetInt64()}");
        var after = await _client.GetJsonAsync($"{itemPath}api/json");

        Assert.Equal(HttpStatusCode.InternalServerError, cancel.StatusCode);
        Assert.Equal($"Could not cancel run for id {left.GetProperty("id").GetInt64()}", await cancel.Content.ReadAsStringAsync());
        Assert.False(after.GetProperty("cancelled").GetBoolean());
        Assert.Equal(JsonValueKind.Object, after.GetProperty("executable").ValueKind);
    }

    [Theory]
    [InlineData("build")] // build on a parameterized job without the json field
    [InlineData("buildWithParameters?TARGET=moon")] // a choice outside the choices
    public async Task A_trigger_without_parameters_the_job_can_take_is_400(string request)
    {
        var job = TestJobs.CreateParameterized(factory);

        using var response = await _client.PostAsync($"{job}{request}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Build_with_parameters_on_a_job_without_parameters_is_400_not_parameterized()
    {
        var job = TestJobs.CreateFreestyle(factory);

        using var response = await _client.PostAsync($"{job}buildWithParameters?X=1");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("is not parameterized", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("build")]
    [InlineData("buildWithParameters")]
    public async Task Triggering_a_disabled_job_is_409(string action)
    {
        var job = TestJobs.CreateFreestyle(factory, disabled: true);

        using var response = await _client.PostAsync($"{job}{action}");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
    }

    [Fact]
    public async Task Triggering_a_missing_job_is_404()
    {
        using var response = await _client.PostAsync("/job/tests/job/does-not-exist/build");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("/job/backend/job/payments-service/build")]
    [InlineData("/job/deploy/job/deploy-shop/buildWithParameters")]
    [InlineData("/job/backend/job/payments-service/1/stop")]
    [InlineData("/queue/cancelItem?id=1")]
    public async Task A_GET_on_a_POST_endpoint_is_405_allowing_POST(string path)
    {
        using var response = await _client.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(["POST"], response.Content.Headers.Allow);
    }

    [Fact]
    public async Task Cancelling_a_queued_item_answers_204_and_leaves_a_cancelled_item()
    {
        var job = TestJobs.CreateFreestyle(factory);
        using var trigger = await _client.PostAsync($"{job}build?delay=60sec");
        var itemPath = JenkinsHttp.PathOf(trigger.Headers.Location);
        var id = (await _client.GetJsonAsync($"{itemPath}api/json")).GetProperty("id").GetInt64();

        using var cancel = await _client.PostAsync($"/queue/cancelItem?id={id}");
        var item = await _client.GetJsonAsync($"{itemPath}api/json");
        var queue = await _client.GetJsonAsync("/queue/api/json");
        var jobAfter = await _client.GetJsonAsync($"{job}api/json");

        Assert.Equal(HttpStatusCode.NoContent, cancel.StatusCode);
        Assert.True(item.GetProperty("cancelled").GetBoolean());
        Assert.Equal(JsonValueKind.Null, item.GetProperty("executable").ValueKind);
        Assert.DoesNotContain(queue.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetInt64() == id);
        Assert.False(jobAfter.GetProperty("inQueue").GetBoolean());
        Assert.Empty(jobAfter.GetProperty("builds").EnumerateArray());
    }

    [Fact]
    public async Task Cancelling_an_unknown_item_is_404()
    {
        using var response = await _client.PostAsync("/queue/cancelItem?id=987654321");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task A_queued_item_is_listed_in_the_queue_and_on_its_job()
    {
        var job = TestJobs.CreateFreestyle(factory);
        using var trigger = await _client.PostAsync($"{job}build?delay=60sec");
        var itemPath = JenkinsHttp.PathOf(trigger.Headers.Location);

        var queue = await _client.GetJsonAsync("/queue/api/json");
        var jobJson = await _client.GetJsonAsync($"{job}api/json");

        var item = queue.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("url").GetString() == itemPath.TrimStart('/'));
        foreach (var field in new[] { "id", "url", "why", "blocked", "buildable", "stuck", "inQueueSince", "params", "task", "actions" })
        {
            Assert.True(item.TryGetProperty(field, out _), $"queue item lacks {field}");
        }

        Assert.Equal(["_class", "name", "url", "color"], item.GetProperty("task").PropertyNames());
        Assert.True(jobJson.GetProperty("inQueue").GetBoolean());
        Assert.Equal(JsonValueKind.Object, jobJson.GetProperty("queueItem").ValueKind);
    }

    [Fact]
    public async Task Stopping_a_running_build_aborts_it_and_redirects_302_to_the_build()
    {
        var job = TestJobs.CreateSlowFreestyle(factory);
        using var trigger = await _client.PostAsync($"{job}build?delay=0sec");
        var running = await WaitForBuildAsync(job, 1, build => build.GetProperty("building").GetBoolean());

        using var stop = await _client.PostAsync($"{job}1/stop");
        var stopped = await _client.GetJsonAsync($"{job}1/api/json");
        using var console = await _client.GetAsync(new Uri($"{job}1/consoleText", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Found, stop.StatusCode);
        Assert.Equal(running.GetProperty("url").GetString(), stop.Headers.Location?.ToString());
        Assert.Equal("ABORTED", stopped.GetProperty("result").GetString());
        Assert.False(stopped.GetProperty("building").GetBoolean());
        Assert.EndsWith("Finished: ABORTED\n", await console.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("aborted", (await _client.GetJsonAsync($"{job}api/json")).GetProperty("color").GetString());
    }

    [Fact]
    public async Task Stopping_a_finished_build_still_redirects_302_and_changes_nothing()
    {
        using var stop = await _client.PostAsync("/job/backend/job/payments-service/1/stop");
        var build = await _client.GetJsonAsync("/job/backend/job/payments-service/1/api/json");

        Assert.Equal(HttpStatusCode.Found, stop.StatusCode);
        Assert.EndsWith("/job/backend/job/payments-service/1/", stop.Headers.Location?.ToString(), StringComparison.Ordinal);
        Assert.Equal("SUCCESS", build.GetProperty("result").GetString());
    }

    [Fact]
    public async Task A_job_without_concurrent_builds_blocks_its_next_item_while_one_runs()
    {
        var job = TestJobs.CreateParameterized(factory, slow: true);
        using var first = await _client.PostAsync($"{job}buildWithParameters?delay=0sec&TARGET=dev");
        await WaitForBuildAsync(job, 1, build => build.GetProperty("building").GetBoolean());

        using var second = await _client.PostAsync($"{job}buildWithParameters?delay=0sec&TARGET=qa");
        var blocked = await JenkinsHttp.WaitForAsync(async () =>
        {
            var item = await _client.GetJsonAsync($"{JenkinsHttp.PathOf(second.Headers.Location)}api/json");
            return item.GetProperty("blocked").GetBoolean() ? (JsonElement?)item : null;
        }, "the second item to be blocked");

        Assert.Equal("hudson.model.Queue$BlockedItem", blocked.GetProperty("_class").GetString());
        Assert.StartsWith("Build #1 is already in progress", blocked.GetProperty("why").GetString(), StringComparison.Ordinal);
        await _client.PostAsync($"{job}1/stop");
        await WaitForBuildAsync(job, 2, _ => true);
        await _client.PostAsync($"{job}2/stop");
    }

    [Fact]
    public async Task A_failing_build_ends_with_FAILURE_and_a_red_job()
    {
        var job = TestJobs.CreateFreestyle(factory, outcome: "FAILURE");

        using var trigger = await _client.PostAsync($"{job}build?delay=0sec");
        var build = await WaitForBuildAsync(job, 1, b => !b.GetProperty("building").GetBoolean());
        var report = await _client.GetJsonAsync($"{job}1/testReport/api/json");

        Assert.Equal("FAILURE", build.GetProperty("result").GetString());
        Assert.True(report.GetProperty("failCount").GetInt32() > 0);
        Assert.Equal("red", (await _client.GetJsonAsync($"{job}api/json")).GetProperty("color").GetString());
    }

    [Fact]
    public async Task A_started_build_with_no_log_yet_has_size_zero_and_more_data()
    {
        var job = TestJobs.CreateFreestyle(factory, configure: TestJobs.StartSilentBuild);

        using var response = await _client.GetAsync(new Uri($"{job}1/logText/progressiveText?start=0", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("0", Assert.Single(response.Headers.GetValues("X-Text-Size")));
        Assert.Equal("true", Assert.Single(response.Headers.GetValues("X-More-Data")));
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task An_invalid_progressive_offset_is_a_bad_request()
    {
        using var response = await _client.GetAsync(new Uri("/job/backend/job/payments-service/1/logText/progressiveText?start=abc", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private async Task<JsonElement> WaitForBuildAsync(string job, int number, Func<JsonElement, bool> condition)
        => await JenkinsHttp.WaitForAsync(async () =>
        {
            using var response = await _client.GetAsync(new Uri($"{job}{number}/api/json", UriKind.Relative));
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }

            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var build = document.RootElement.Clone();
            return condition(build) ? (JsonElement?)build : null;
        }, $"build {number} of {job}");

    [System.Text.RegularExpressions.GeneratedRegex("\u001B\\[8mha:.*?\u001B\\[0m")]
    private static partial System.Text.RegularExpressions.Regex ConsoleNotePattern();

    /// <summary>Posts <paramref name="form"/> to <paramref name="path"/>; returns the answer's status and the parameters of the item it queued.</summary>
    private async Task<(HttpStatusCode Status, string? Parameters)> QueueWithFormAsync(string path, HttpContent form)
    {
        using var trigger = await _client.PostAsync(new Uri(path, UriKind.Relative), form);
        var item = await _client.GetJsonAsync($"{JenkinsHttp.PathOf(trigger.Headers.Location)}api/json");
        return (trigger.StatusCode, item.GetProperty("params").GetString());
    }
}
