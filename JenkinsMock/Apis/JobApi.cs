using System.Text.Json;
using McpAspire.JenkinsMock.Console;
using Microsoft.Extensions.Primitives;

namespace McpAspire.JenkinsMock.Apis;

/// <summary>
/// Everything below <c>/job/</c>: folders, jobs, builds (by number or permalink), triggering,
/// console logs, test reports and stop.
/// </summary>
public static class JobApi
{
    public static IEndpointRouteBuilder MapJobApi(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/job/{**path}", [HttpMethods.Get, HttpMethods.Head, HttpMethods.Post], Dispatch);
        return app;
    }

    private static async Task<IResult> Dispatch(string? path, HttpContext http, JenkinsInstance instance, BuildSimulator simulator)
    {
        var route = JobRoute.Parse(path ?? "");
        var viewer = http.GetJenkinsIdentity();
        var isPost = HttpMethods.IsPost(http.Request.Method);

        if (route.RestIs("build") || route.RestIs("buildWithParameters"))
        {
            return await TriggerAsync(route, http, instance, simulator);
        }

        if (route.Rest.Count == 2 && route.Rest[1] == "stop")
        {
            return isPost ? Stop(route, http, instance) : JenkinsResults.RequirePost();
        }

        if (route.Rest.Count == 3 && route.Rest[1] == "replay" && route.Rest[2] == "rebuild")
        {
            return isPost ? Replay(route, http, instance, simulator) : JenkinsResults.RequirePost();
        }

        if (route.Rest.Count == 2 && route.Rest[1] == "submitDescription")
        {
            return isPost ? await SubmitDescriptionAsync(route, http, instance) : JenkinsResults.RequirePost();
        }

        if (route.RestIs("api", "json"))
        {
            return JenkinsResults.Export(http, instance, root => ItemResolver.Resolve(root, route.ItemNames, viewer));
        }

        if (route.Rest.Count == 0)
        {
            return Page(instance, root => ItemResolver.Resolve(root, route.ItemNames, viewer)?.FullDisplayName);
        }

        if (route.Rest.Count >= 2 && route.Rest[0] == "view")
        {
            return View(route, http, instance);
        }

        return BuildResource(route, http, instance);
    }

    private static IResult Page(JenkinsInstance instance, Func<JenkinsRoot, string?> title)
        => instance.Use((root, _) => title(root)) is { } found ? JenkinsResults.Page(found) : JenkinsResults.NotFound();

    private static IResult View(JobRoute route, HttpContext http, JenkinsInstance instance)
    {
        var viewName = route.Rest[1];
        var viewer = http.GetJenkinsIdentity();
        Model.View? Find(JenkinsRoot root) => ItemResolver.Resolve(root, route.ItemNames, viewer) is Folder folder ? folder.Views.Find(view => view.Name == viewName) : null;
        return route.Rest.Count switch
        {
            2 => Page(instance, root => Find(root)?.Name),
            4 when route.Rest[2] == "api" && route.Rest[3] == "json" => JenkinsResults.Export(http, instance, Find),
            _ => JenkinsResults.NotFound(),
        };
    }

    /// <summary><c>/job/X/N/...</c> where N is a number or a permalink.</summary>
    private static IResult BuildResource(JobRoute route, HttpContext http, JenkinsInstance instance)
    {
        var token = route.Rest[0];
        var viewer = http.GetJenkinsIdentity();
        Build? Find(JenkinsRoot root) => ItemResolver.Resolve(root, route.ItemNames, viewer) is Job job ? job.ResolveBuild(token) : null;
        var rest = route.Rest.Skip(1).ToArray();
        return rest switch
        {
            [] => Page(instance, root => Find(root) is { } build ? $"{build.Job.FullDisplayName} {build.DisplayName}" : null),
            ["api", "json"] => JenkinsResults.Export(http, instance, Find),
            ["consoleText"] => ConsoleText(instance, Find),
            ["logText", "progressiveText"] => ProgressiveText(http, instance, Find),
            ["testReport"] => Page(instance, root => Find(root)?.TestReport is null ? null : "Test Result"),
            ["testReport", "api", "json"] => JenkinsResults.Export(http, instance, root => Find(root)?.TestReport),
            ["wfapi", "describe"] => WorkflowApi.Describe(http, instance, Find),
            ["execution", "node", var nodeId, "wfapi", var what] => WorkflowApi.Node(http, instance, Find, nodeId, what),
            ["artifact", .. var artifactPath] when artifactPath.Length > 0 => Artifact(instance, Find, string.Join('/', artifactPath)),
            _ => JenkinsResults.NotFound(),
        };
    }

    /// <summary>
    /// Run.doArtifact (DirectoryBrowserSupport): an archived file's bytes, typed by its extension; 404 for a path the
    /// build did not archive.
    /// </summary>
    private static IResult Artifact(JenkinsInstance instance, Func<JenkinsRoot, Build?> find, string path)
    {
        var artifact = instance.Use((root, _) => find(root)?.Artifacts.Find(candidate => candidate.RelativePath == path));
        if (artifact is null)
        {
            return JenkinsResults.NotFound();
        }

        var type = new Microsoft.AspNetCore.StaticFiles.FileExtensionContentTypeProvider().TryGetContentType(path, out var known) ? known : "application/octet-stream";
        return Results.Bytes(artifact.Content(), type);
    }

    /// <summary>Run.doConsoleText: the whole log through PlainTextConsoleOutputStream, so without console notes.</summary>
    private static IResult ConsoleText(JenkinsInstance instance, Func<JenkinsRoot, Build?> find)
    {
        var snapshot = instance.Use((root, _) => find(root)?.Log.Snapshot(0));
        return snapshot is null ? JenkinsResults.NotFound() : new LogResult(snapshot, new PlainTextConsoleFilter());
    }

    /// <summary>
    /// Stapler's LargeText.doProgressText (AnnotatedLargeText for a run's log): the raw log from byte offset
    /// <c>start</c>, console notes included, written through LineEndNormalizingWriter (LF becomes CR LF);
    /// <c>X-Text-Size</c> is the raw length, where to continue; <c>X-More-Data: true</c> while the build still
    /// writes. A start past the end restarts at 0 ("text rolled over").
    /// </summary>
    private static IResult ProgressiveText(HttpContext http, JenkinsInstance instance, Func<JenkinsRoot, Build?> find)
    {
        long start = 0;
        if (http.Request.Query.TryGetValue("start", out var startText) && !string.IsNullOrEmpty(startText)
            && !long.TryParse(startText, NumberStyles.Integer, CultureInfo.InvariantCulture, out start))
        {
            return JenkinsResults.BadRequest("start must be a byte offset");
        }

        var snapshot = instance.Use((root, _) => find(root) is { } build
            ? build.Log.Snapshot(start > build.Log.Length || start < 0 ? 0 : start)
            : null);
        if (snapshot is null)
        {
            return JenkinsResults.NotFound();
        }

        http.Response.Headers["X-Text-Size"] = snapshot.End.ToString(CultureInfo.InvariantCulture);
        if (!snapshot.Completed)
        {
            http.Response.Headers["X-More-Data"] = "true";
        }

        return new LogResult(snapshot, new LineEndNormalizingFilter());
    }

    /// <summary>
    /// Run.doStop: 302 to the build page, whether or not it was running; without Job/Cancel on the job 403
    /// (Executor.doStop checks the abort permission, Item.CANCEL).
    /// </summary>
    private static IResult Stop(JobRoute route, HttpContext http, JenkinsInstance instance)
    {
        var viewer = http.GetJenkinsIdentity();
        var user = viewer.Name;
        var rootUrl = JenkinsResults.RootUrl(http.Request);
        var buildUrl = instance.Use((root, now) =>
        {
            if (ItemResolver.Resolve(root, route.ItemNames, viewer) is not Job job || job.ResolveBuild(route.Rest[0]) is not { } build)
            {
                return null;
            }

            viewer.Check(PermissionKind.JobCancel, job);
            BuildSimulator.Stop(root, build, user, now);
            return rootUrl + build.UrlPath;
        });
        return buildUrl is null ? JenkinsResults.NotFound() : JenkinsResults.RedirectTo(buildUrl, StatusCodes.Status302Found);
    }

    /// <summary>
    /// ReplayAction.doRebuild (workflow-cps): runs a Pipeline run again with its original script and parameters, as a
    /// new build caused by "Replayed #N"; needs Job/Build; 404 for a run that is not a Pipeline's; the answer is a
    /// redirect (302) to the job, with no queue item in it.
    /// </summary>
    private static IResult Replay(JobRoute route, HttpContext http, JenkinsInstance instance, BuildSimulator simulator)
    {
        var viewer = http.GetJenkinsIdentity();
        var rootUrl = JenkinsResults.RootUrl(http.Request);
        return instance.Use((root, now) =>
        {
            if (ItemResolver.Resolve(root, route.ItemNames, viewer) is not WorkflowJob job || job.ResolveBuild(route.Rest[0]) is not WorkflowRun original)
            {
                return JenkinsResults.NotFound();
            }

            viewer.Check(PermissionKind.JobBuild, job);
            var cause = new Cause("org.jenkinsci.plugins.workflow.cps.replay.ReplayCause", $"Replayed {original.DisplayName}");
            simulator.Schedule(root, job, original.Parameters, cause, TimeSpan.Zero, now);
            return JenkinsResults.RedirectTo(rootUrl + job.UrlPath, StatusCodes.Status302Found);
        });
    }

    /// <summary>
    /// Run.doSubmitDescription: needs Run/Update (403 otherwise), sets the description from the form field
    /// <c>description</c> and redirects (302) to the build.
    /// </summary>
    private static async Task<IResult> SubmitDescriptionAsync(JobRoute route, HttpContext http, JenkinsInstance instance)
    {
        var viewer = http.GetJenkinsIdentity();
        var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync(http.RequestAborted) : null;
        var description = form?["description"].ToString() ?? http.Request.Query["description"].ToString();
        var rootUrl = JenkinsResults.RootUrl(http.Request);
        var buildUrl = instance.Use((root, _) =>
        {
            if (ItemResolver.Resolve(root, route.ItemNames, viewer) is not Job job || job.ResolveBuild(route.Rest[0]) is not { } build)
            {
                return null;
            }

            viewer.Check(PermissionKind.RunUpdate, job);
            build.Description = description;
            return rootUrl + build.UrlPath;
        });
        return buildUrl is null ? JenkinsResults.NotFound() : JenkinsResults.RedirectTo(buildUrl, StatusCodes.Status302Found);
    }

    /// <summary>
    /// ParameterizedJobMixIn.doBuild / doBuildWithParameters, checks in Jenkins' order:
    /// <c>build</c>: 409 when disabled, the parameter form on GET of a parameterized job, 405 on other
    /// GETs, then (parameterized) the <c>json</c> field or 400, 201 + Location for a new item, 302 to
    /// the job when identical parameters are already queued; without parameters an identical item
    /// answers 201 with that item's Location.
    /// <c>buildWithParameters</c>: 405 on GET, 409 when disabled, 400 when not parameterized, 201 for
    /// a new item, 303 to the identical item already queued.
    /// </summary>
    private static async Task<IResult> TriggerAsync(JobRoute route, HttpContext http, JenkinsInstance instance, BuildSimulator simulator)
    {
        var withParameters = route.RestIs("buildWithParameters");
        var isPost = HttpMethods.IsPost(http.Request.Method);
        var form = isPost && http.Request.HasFormContentType ? await http.Request.ReadFormAsync(http.RequestAborted) : null;
        if (!TryParseDelay(http.Request.Query["delay"], out var delay))
        {
            return JenkinsResults.BadRequest("Invalid delay");
        }

        StringValues Submitted(string name) => form is not null && form.TryGetValue(name, out var value) ? value : http.Request.Query[name];
        var viewer = http.GetJenkinsIdentity();
        var user = viewer.Name;
        var rootUrl = JenkinsResults.RootUrl(http.Request);

        return instance.Use((root, now) =>
        {
            if (ItemResolver.Resolve(root, route.ItemNames, viewer) is not Job job)
            {
                return JenkinsResults.NotFound();
            }

            if (withParameters && !isPost)
            {
                return JenkinsResults.RequirePost();
            }

            if (!job.Buildable)
            {
                return JenkinsResults.Conflict($"{job.FullName} is not buildable");
            }

            // BuildAuthorizationToken.checkPermission: Job/Build on the job, else 403.
            viewer.Check(PermissionKind.JobBuild, job);
            if (!isPost)
            {
                return job.IsParameterized ? JenkinsResults.Page($"{job.FullDisplayName}: This build requires parameters") : JenkinsResults.RequirePost();
            }

            Dictionary<string, string> submitted;
            if (withParameters)
            {
                if (!job.IsParameterized)
                {
                    return JenkinsResults.BadRequest($"{job.FullName} is not parameterized");
                }

                submitted = job.ParameterDefinitions
                    .Where(definition => Submitted(definition.Name).Count > 0)
                    .ToDictionary(definition => definition.Name, definition => Submitted(definition.Name).ToString(), StringComparer.Ordinal);
            }
            else if (job.IsParameterized)
            {
                var json = Submitted("json");
                if (StringValues.IsNullOrEmpty(json))
                {
                    return JenkinsResults.BadRequest("This page expects a form submission");
                }

                if (!TryReadJsonParameters(json.ToString(), out submitted))
                {
                    return JenkinsResults.BadRequest("The json form field is not a valid parameter submission");
                }

                if (submitted.Keys.FirstOrDefault(name => !job.ParameterDefinitions.Exists(definition => definition.Name == name)) is { } unknown)
                {
                    return JenkinsResults.BadRequest($"No such parameter definition: {unknown}");
                }
            }
            else
            {
                submitted = [];
            }

            var values = new List<ParameterValue>();
            foreach (var definition in job.ParameterDefinitions)
            {
                if (!submitted.TryGetValue(definition.Name, out var text))
                {
                    values.Add(definition.DefaultValue);
                }
                else if (definition.CreateValue(text, out var problem) is { } value)
                {
                    values.Add(value);
                }
                else
                {
                    return JenkinsResults.BadRequest(problem ?? $"Invalid value for parameter {definition.Name}");
                }
            }

            // Queue.schedule2 answers no item when a QueueDecisionHandler vetoes the task: doBuild and
            // buildWithParameters then sendRedirect(".") to the job, a 302, and nothing is queued.
            if (job.QueueVetoed)
            {
                return JenkinsResults.RedirectTo(rootUrl + job.UrlPath, StatusCodes.Status302Found);
            }

            var outcome = simulator.Schedule(root, job, values, Cause.User(user), delay, now);
            var itemUrl = rootUrl + outcome.Item.UrlPath;
            return (outcome.AlreadyQueued, withParameters, job.IsParameterized) switch
            {
                (false, _, _) => JenkinsResults.RedirectTo(itemUrl, StatusCodes.Status201Created),
                (true, true, _) => JenkinsResults.RedirectTo(itemUrl, StatusCodes.Status303SeeOther),
                (true, false, true) => JenkinsResults.RedirectTo(rootUrl + job.UrlPath, StatusCodes.Status302Found),
                (true, false, false) => JenkinsResults.RedirectTo(itemUrl, StatusCodes.Status201Created),
            };
        });
    }

    /// <summary>The form field Jenkins' build form submits: <c>{"parameter":[{"name":..,"value":..}]}</c> (or a single object).</summary>
    private static bool TryReadJsonParameters(string json, out Dictionary<string, string> parameters)
    {
        parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            if (!document.RootElement.TryGetProperty("parameter", out var parameter))
            {
                return true;
            }

            var entries = parameter.ValueKind switch
            {
                JsonValueKind.Array => parameter.EnumerateArray().ToList(),
                JsonValueKind.Object => [parameter],
                _ => null,
            };
            if (entries is null)
            {
                return false;
            }

            foreach (var entry in entries)
            {
                if (entry.ValueKind != JsonValueKind.Object || !entry.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
                {
                    return false;
                }

                parameters[name.GetString()!] = entry.TryGetProperty("value", out var value)
                    ? value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText()
                    : "";
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Jenkins' TimeDuration: "5" or "5sec" seconds, "250ms" milliseconds; absent means the quiet period.</summary>
    private static bool TryParseDelay(StringValues text, out TimeSpan? delay)
    {
        delay = null;
        if (StringValues.IsNullOrEmpty(text))
        {
            return true;
        }

        var value = text.ToString().Trim();
        var (number, unit) = value.EndsWith("ms", StringComparison.OrdinalIgnoreCase) ? (value[..^2], 1)
            : value.EndsWith("secs", StringComparison.OrdinalIgnoreCase) ? (value[..^4], 1000)
            : value.EndsWith("sec", StringComparison.OrdinalIgnoreCase) ? (value[..^3], 1000)
            : (value, 1000);
        if (!long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount > 86_400_000)
        {
            return false;
        }

        delay = TimeSpan.FromMilliseconds(amount * unit);
        return true;
    }
}
