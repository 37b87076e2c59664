namespace McpAspire.JenkinsMock.Tests.Contract;

/// <summary>Reference, "General", "Root and jobs", "Builds", "Nodes and views": what the read endpoints answer.</summary>
public sealed class ReadContractTests(JenkinsMockFactory factory) : IClassFixture<JenkinsMockFactory>
{
    /// <summary>The result names the reference allows.</summary>
    private static readonly string[] BuildResults = ["SUCCESS", "UNSTABLE", "FAILURE", "NOT_BUILT", "ABORTED"];

    /// <summary>The junit case statuses the reference allows.</summary>
    private static readonly string[] CaseStatuses = ["PASSED", "FAILED", "SKIPPED", "FIXED", "REGRESSION"];

    private readonly HttpClient _client = factory.CreateTokenClient();

    [Fact]
    public async Task The_root_lists_jobs_and_views_and_has_no_version_field()
    {
        var root = await _client.GetJsonAsync("/api/json");

        Assert.Equal("hudson.model.Hudson", root.GetProperty("_class").GetString());
        foreach (var field in new[] { "jobs", "views", "primaryView", "url", "useCrumbs", "useSecurity", "quietingDown", "description" })
        {
            Assert.True(root.TryGetProperty(field, out _), $"root lacks {field}");
        }

        Assert.False(root.TryGetProperty("version", out _));
        Assert.EndsWith("/", root.GetProperty("url").GetString(), StringComparison.Ordinal);
        var job = root.GetProperty("jobs").EnumerateArray().First(j => j.GetProperty("name").GetString() == "nightly-db-backup");
        Assert.Equal("hudson.model.FreeStyleProject", job.GetProperty("_class").GetString());
        Assert.EndsWith("/job/nightly-db-backup/", job.GetProperty("url").GetString(), StringComparison.Ordinal);
        Assert.Equal("blue", job.GetProperty("color").GetString());
    }

    [Fact]
    public async Task A_freestyle_job_has_the_job_fields_and_the_freestyle_extras()
    {
        var job = await _client.GetJsonAsync("/job/backend/job/payments-service/api/json");

        Assert.Equal("hudson.model.FreeStyleProject", job.GetProperty("_class").GetString());
        foreach (var field in new[]
        {
            "name", "fullName", "displayName", "url", "description", "buildable", "inQueue", "queueItem", "nextBuildNumber", "color",
            "healthReport", "builds", "firstBuild", "lastBuild", "lastSuccessfulBuild", "lastFailedBuild", "lastStableBuild",
            "lastUnstableBuild", "lastUnsuccessfulBuild", "lastCompletedBuild", "property",
            "disabled", "concurrentBuild", "upstreamProjects", "downstreamProjects",
        })
        {
            Assert.True(job.TryGetProperty(field, out _), $"job lacks {field}");
        }

        Assert.Equal("backend/payments-service", job.GetProperty("fullName").GetString());
        Assert.False(job.TryGetProperty("allBuilds", out _));
        var health = Assert.Single(job.GetProperty("healthReport").EnumerateArray());
        Assert.InRange(health.GetProperty("score").GetInt32(), 0, 100);
    }

    [Fact]
    public async Task A_pipeline_job_is_a_WorkflowJob_with_WorkflowRun_builds()
    {
        var job = await _client.GetJsonAsync("/job/frontend/job/web-app/api/json");

        Assert.Equal("org.jenkinsci.plugins.workflow.job.WorkflowJob", job.GetProperty("_class").GetString());
        Assert.Equal("org.jenkinsci.plugins.workflow.job.WorkflowRun", job.GetProperty("lastBuild").GetProperty("_class").GetString());
        Assert.False(job.TryGetProperty("upstreamProjects", out _));
    }

    [Fact]
    public async Task Folders_nest_as_job_a_job_b_with_a_slash_separated_full_name()
    {
        var folder = await _client.GetJsonAsync("/job/backend/job/platform/api/json");
        var job = await _client.GetJsonAsync("/job/backend/job/platform/job/inventory-api/api/json");

        Assert.Equal("com.cloudbees.hudson.plugins.folder.Folder", folder.GetProperty("_class").GetString());
        Assert.Equal("backend/platform", folder.GetProperty("fullName").GetString());
        Assert.Contains(folder.GetProperty("jobs").EnumerateArray(), j => j.GetProperty("name").GetString() == "inventory-api");
        Assert.Equal("backend/platform/inventory-api", job.GetProperty("fullName").GetString());
        Assert.EndsWith("/job/backend/job/platform/job/inventory-api/", job.GetProperty("url").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parameter_definitions_are_listed_under_property_with_their_type_and_default()
    {
        var job = await _client.GetJsonAsync("/job/deploy/job/deploy-shop/api/json");

        var property = job.GetProperty("property").EnumerateArray().Single(p => p.GetProperty("_class").GetString() == "hudson.model.ParametersDefinitionProperty");
        var definitions = property.GetProperty("parameterDefinitions").EnumerateArray().ToDictionary(d => d.GetProperty("name").GetString()!);
        Assert.Equal("ChoiceParameterDefinition", definitions["ENVIRONMENT"].GetProperty("type").GetString());
        Assert.Equal(["staging", "production"], definitions["ENVIRONMENT"].GetProperty("choices").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("StringParameterDefinition", definitions["VERSION"].GetProperty("type").GetString());
        Assert.Equal("VERSION", definitions["VERSION"].GetProperty("defaultParameterValue").GetProperty("name").GetString());
        Assert.Equal("1.0.0", definitions["VERSION"].GetProperty("defaultParameterValue").GetProperty("value").GetString());
        Assert.Equal("BooleanParameterDefinition", definitions["DRY_RUN"].GetProperty("type").GetString());
        Assert.False(definitions["DRY_RUN"].GetProperty("defaultParameterValue").GetProperty("value").GetBoolean());
    }

    [Fact]
    public async Task A_disabled_job_is_not_buildable_and_has_the_disabled_colour()
    {
        var job = await _client.GetJsonAsync("/job/legacy-monolith/api/json");

        Assert.True(job.GetProperty("disabled").GetBoolean());
        Assert.False(job.GetProperty("buildable").GetBoolean());
        Assert.Equal("disabled", job.GetProperty("color").GetString());
    }

    [Fact]
    public async Task A_job_never_built_is_notbuilt_with_null_permalinks()
    {
        var job = await _client.GetJsonAsync("/job/release-notes/api/json");

        Assert.Equal("notbuilt", job.GetProperty("color").GetString());
        Assert.Equal(JsonValueKind.Null, job.GetProperty("lastBuild").ValueKind);
        Assert.Empty(job.GetProperty("builds").EnumerateArray());
        Assert.Equal(1, job.GetProperty("nextBuildNumber").GetInt32());
    }

    [Fact]
    public async Task The_seeded_histories_hold_every_result()
    {
        var results = new HashSet<string>();
        foreach (var job in new[] { "/job/backend/job/payments-service/", "/job/frontend/job/web-app/", "/job/deploy/job/deploy-shop/", "/job/nightly-db-backup/" })
        {
            var builds = await _client.GetJsonAsync($"{job}api/json?tree=builds[result]");
            results.UnionWith(builds.GetProperty("builds").EnumerateArray().Select(b => b.GetProperty("result").GetString()!));
        }

        Assert.Superset(new HashSet<string> { "SUCCESS", "FAILURE", "UNSTABLE", "ABORTED" }, results);
    }

    [Fact]
    public async Task A_build_has_the_run_fields_and_its_cause_action()
    {
        var build = await _client.GetJsonAsync("/job/backend/job/payments-service/3/api/json");

        Assert.Equal("hudson.model.FreeStyleBuild", build.GetProperty("_class").GetString());
        Assert.Equal(3, build.GetProperty("number").GetInt32());
        Assert.Equal("3", build.GetProperty("id").GetString());
        Assert.False(build.GetProperty("building").GetBoolean());
        Assert.False(build.GetProperty("inProgress").GetBoolean());
        Assert.True(build.GetProperty("duration").GetInt64() > 0);
        Assert.True(build.GetProperty("timestamp").GetInt64() > 1_600_000_000_000);
        Assert.True(build.GetProperty("queueId").GetInt64() > 0);
        Assert.Contains(build.GetProperty("result").GetString(), BuildResults);
        foreach (var field in new[] { "estimatedDuration", "displayName", "fullDisplayName", "description", "artifacts", "changeSet", "builtOn", "culprits" })
        {
            Assert.True(build.TryGetProperty(field, out _), $"build lacks {field}");
        }

        var causes = build.GetProperty("actions").EnumerateArray().Single(a => a.StringOrNull("_class") == "hudson.model.CauseAction").GetProperty("causes");
        Assert.False(string.IsNullOrEmpty(causes[0].GetProperty("shortDescription").GetString()));
    }

    [Fact]
    public async Task Actions_with_nothing_to_show_are_empty_objects()
    {
        var build = await _client.GetJsonAsync("/job/backend/job/payments-service/3/api/json");

        Assert.Contains(build.GetProperty("actions").EnumerateArray(), action => action.ValueKind == JsonValueKind.Object && !action.EnumerateObject().Any());
    }

    [Fact]
    public async Task A_pipeline_run_has_changeSets_instead_of_changeSet()
    {
        var build = await _client.GetJsonAsync("/job/frontend/job/web-app/lastBuild/api/json");

        Assert.Equal(JsonValueKind.Array, build.GetProperty("changeSets").ValueKind);
        Assert.False(build.TryGetProperty("changeSet", out _));
    }

    [Theory]
    [InlineData("lastBuild")]
    [InlineData("lastSuccessfulBuild")]
    [InlineData("lastFailedBuild")]
    [InlineData("lastStableBuild")]
    [InlineData("lastUnstableBuild")]
    [InlineData("lastUnsuccessfulBuild")]
    [InlineData("lastCompletedBuild")]
    public async Task Permalinks_name_the_same_build_as_the_job_fields(string permalink)
    {
        var job = await _client.GetJsonAsync("/job/backend/job/payments-service/api/json");

        var build = await _client.GetJsonAsync($"/job/backend/job/payments-service/{permalink}/api/json");

        Assert.Equal(job.GetProperty(permalink).GetProperty("number").GetInt32(), build.GetProperty("number").GetInt32());
    }

    [Theory]
    [InlineData("/job/no-such-job/api/json")]
    [InlineData("/job/backend/job/no-such-job/api/json")]
    [InlineData("/job/backend/job/payments-service/999/api/json")]
    [InlineData("/job/release-notes/lastBuild/api/json")]
    [InlineData("/job/backend/job/payments-service/1/job/x/api/json")]
    [InlineData("/queue/item/987654/api/json")]
    [InlineData("/computer/no-such-node/api/json")]
    [InlineData("/view/no-such-view/api/json")]
    [InlineData("/job/deploy/job/deploy-shop/1/testReport/api/json")] // a build that published no test report
    public async Task Missing_objects_are_404(string path)
    {
        using var response = await _client.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task The_console_text_is_the_whole_log_as_utf8_plain_text()
    {
        using var response = await _client.GetAsync(new Uri("/job/backend/job/payments-service/1/consoleText", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; charset=UTF-8", response.Content.Headers.ContentType?.ToString());
        Assert.True(text.Split('\n').Length > 20);
        Assert.EndsWith("Finished: SUCCESS\n", text, StringComparison.Ordinal);
    }

    /// <summary>
    /// Stapler's LargeText.doProgressText writes the raw log (AnnotatedLargeText: console notes included) through
    /// LineEndNormalizingWriter; X-Text-Size is the raw length; a finished build has no X-More-Data.
    /// </summary>
    [Fact]
    public async Task Progressive_text_of_a_finished_build_is_the_raw_log_with_crlf_and_its_raw_size()
    {
        using var whole = await _client.GetAsync(new Uri("/job/backend/job/payments-service/2/logText/progressiveText?start=0", UriKind.Relative));
        var body = await whole.Content.ReadAsByteArrayAsync();
        var text = System.Text.Encoding.UTF8.GetString(body);
        var lineEnds = text.Split("\r\n").Length - 1;

        Assert.DoesNotContain("\n", text.Replace("\r\n", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("Started by user \u001B[8mha:////4", text, StringComparison.Ordinal);
        var rawSize = body.Length - lineEnds;
        Assert.Equal(rawSize.ToString(System.Globalization.CultureInfo.InvariantCulture), Assert.Single(whole.Headers.GetValues("X-Text-Size")));
        Assert.False(whole.Headers.Contains("X-More-Data"));

        using var tail = await _client.GetAsync(new Uri("/job/backend/job/payments-service/2/logText/progressiveText?start=10", UriKind.Relative));
        Assert.Equal(rawSize.ToString(System.Globalization.CultureInfo.InvariantCulture), Assert.Single(tail.Headers.GetValues("X-Text-Size")));
        Assert.Equal(text[10..], await tail.Content.ReadAsStringAsync());
    }

    /// <summary>Run.doConsoleText writes through PlainTextConsoleOutputStream: no console notes, LF line ends.</summary>
    [Fact]
    public async Task Console_text_strips_the_console_notes_and_keeps_lf()
    {
        using var console = await _client.GetAsync(new Uri("/job/backend/job/payments-service/2/consoleText", UriKind.Relative));
        var text = await console.Content.ReadAsStringAsync();

        Assert.DoesNotContain("\u001B", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\r", text, StringComparison.Ordinal);
        Assert.Contains("Started by user ", text, StringComparison.Ordinal);
    }

    /// <summary>LargeText.doProgressText: a start past the end restarts at 0 ("text rolled over").</summary>
    [Fact]
    public async Task Progressive_text_from_beyond_the_end_restarts_from_zero()
    {
        using var whole = await _client.GetAsync(new Uri("/job/backend/job/payments-service/2/logText/progressiveText?start=0", UriKind.Relative));
        var log = await whole.Content.ReadAsStringAsync();

        using var response = await _client.GetAsync(new Uri("/job/backend/job/payments-service/2/logText/progressiveText?start=99999999", UriKind.Relative));

        Assert.Equal(log, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_test_report_counts_cases_and_shows_the_failing_ones()
    {
        var job = await _client.GetJsonAsync("/job/backend/job/payments-service/api/json");
        var unstable = job.GetProperty("lastUnstableBuild").GetProperty("number").GetInt32();

        var report = await _client.GetJsonAsync($"/job/backend/job/payments-service/{unstable}/testReport/api/json");

        Assert.Equal("hudson.tasks.junit.TestResult", report.GetProperty("_class").GetString());
        Assert.False(report.GetProperty("empty").GetBoolean());
        Assert.True(report.GetProperty("failCount").GetInt32() > 0);
        Assert.True(report.GetProperty("duration").GetDouble() >= 0);
        var cases = report.GetProperty("suites").EnumerateArray().SelectMany(s => s.GetProperty("cases").EnumerateArray()).ToList();
        Assert.Equal(report.GetProperty("passCount").GetInt32() + report.GetProperty("failCount").GetInt32() + report.GetProperty("skipCount").GetInt32(), cases.Count);
        var failing = cases.Where(c => c.GetProperty("status").GetString() is "FAILED" or "REGRESSION").ToList();
        Assert.Equal(report.GetProperty("failCount").GetInt32(), failing.Count);
        Assert.All(failing, c =>
        {
            Assert.False(string.IsNullOrEmpty(c.GetProperty("errorDetails").GetString()));
            Assert.False(string.IsNullOrEmpty(c.GetProperty("errorStackTrace").GetString()));
            Assert.False(string.IsNullOrEmpty(c.GetProperty("className").GetString()));
        });
        Assert.All(cases, c => Assert.Contains(c.GetProperty("status").GetString(), CaseStatuses));
    }

    [Fact]
    public async Task Nodes_list_executors_and_the_built_in_node()
    {
        var computers = await _client.GetJsonAsync("/computer/api/json");
        var builtIn = await _client.GetJsonAsync("/computer/(built-in)/api/json");

        Assert.Equal("hudson.model.ComputerSet", computers.GetProperty("_class").GetString());
        var nodes = computers.GetProperty("computer").EnumerateArray().ToList();
        Assert.Equal(nodes.Where(n => !n.GetProperty("offline").GetBoolean()).Sum(n => n.GetProperty("numExecutors").GetInt32()), computers.GetProperty("totalExecutors").GetInt32());
        Assert.True(computers.GetProperty("busyExecutors").GetInt32() >= 0);
        Assert.Contains(nodes, n => n.GetProperty("temporarilyOffline").GetBoolean() && n.GetProperty("offlineCauseReason").GetString()!.Length > 0);
        foreach (var field in new[] { "displayName", "numExecutors", "offline", "temporarilyOffline", "idle", "offlineCauseReason", "assignedLabels", "executors" })
        {
            Assert.True(nodes[0].TryGetProperty(field, out _), $"computer lacks {field}");
        }

        Assert.Equal("Built-In Node", builtIn.GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task Views_list_their_jobs_and_the_primary_view_lives_at_the_root_url()
    {
        var root = await _client.GetJsonAsync("/api/json");
        var view = await _client.GetJsonAsync("/view/Operations/api/json");
        var all = await _client.GetJsonAsync("/view/all/api/json");

        Assert.Equal(root.GetProperty("url").GetString(), root.GetProperty("primaryView").GetProperty("url").GetString());
        Assert.Equal("hudson.model.ListView", view.GetProperty("_class").GetString());
        Assert.Equal("Operations", view.GetProperty("name").GetString());
        Assert.True(view.TryGetProperty("description", out _));
        Assert.True(view.TryGetProperty("property", out _));
        Assert.EndsWith("/view/Operations/", view.GetProperty("url").GetString(), StringComparison.Ordinal);
        Assert.Contains(view.GetProperty("jobs").EnumerateArray(), j => j.GetProperty("name").GetString() == "nightly-db-backup");
        Assert.DoesNotContain(view.GetProperty("jobs").EnumerateArray(), j => j.GetProperty("name").GetString() == "backend");
        Assert.Equal(root.GetProperty("jobs").GetArrayLength(), all.GetProperty("jobs").GetArrayLength());
    }

    [Fact]
    public async Task Folder_views_are_reachable_under_the_folder()
    {
        var view = await _client.GetJsonAsync("/job/backend/view/Payments/api/json");

        Assert.Equal("Payments", view.GetProperty("name").GetString());
        Assert.Contains(view.GetProperty("jobs").EnumerateArray(), j => j.GetProperty("name").GetString() == "payments-service");
    }
}
