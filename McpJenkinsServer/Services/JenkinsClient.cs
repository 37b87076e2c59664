using System.Net;
using System.Text.RegularExpressions;
using McpAspire.McpJenkinsServer.Model.Jenkins;

namespace McpAspire.McpJenkinsServer.Services;

/// <summary>
/// A typed client for the Jenkins REST API. It authenticates with the server's own API token, or with the caller's linked
/// one when they linked a Jenkins identity (<see cref="JenkinsAccess.RunsAs"/>; either way CSRF crumbs are not needed:
/// API-token requests are exempt), asks only for the fields it uses (<c>?tree=</c>), and turns
/// every failure into a <see cref="JenkinsException"/> whose message tells a model what to do next. Before any request
/// about a job it asks the caller's <see cref="JenkinsAccess"/>: a job the caller may not read is "not found", with the
/// very words Jenkins' 404 would give, and no request is sent.
/// </summary>
/// <param name="access">
/// The request's access (scoped, decided by <see cref="EnforceAccessPolicy"/>); null only where tests build a client
/// by hand, which then reads everything.
/// </param>
public sealed partial class JenkinsClient(HttpClient http, ILogger<JenkinsClient> logger, JenkinsAccess? access = null)
{
    private readonly JenkinsAccess _access = access ?? JenkinsAccess.Unrestricted;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Permalinks Jenkins resolves in place of a build number.</summary>
    public static readonly string[] Permalinks =
        ["lastBuild", "lastCompletedBuild", "lastSuccessfulBuild", "lastFailedBuild", "lastStableBuild", "lastUnstableBuild", "lastUnsuccessfulBuild"];

    internal const string BuildSummaryTree = "number,result,building,timestamp,duration,url";

    public Task<JenkinsRootDto> GetRootAsync(string tree, CancellationToken cancellationToken)
        => GetJsonAsync<JenkinsRootDto>("api/json", tree, "Jenkins", cancellationToken);

    public Task<JobDto> GetItemAsync(string fullName, string tree, CancellationToken cancellationToken)
    {
        var path = $"{JenkinsPaths.JobPath(fullName)}api/json";
        _access.EnsureReadable(fullName, $"Job '{fullName}'");
        return GetJsonAsync<JobDto>(path, tree, $"Job '{fullName}'", cancellationToken);
    }

    /// <summary>The children of a folder, or of the root when <paramref name="folder"/> is empty.</summary>
    public async Task<IReadOnlyList<JobDto>> GetChildrenAsync(string folder, string tree, CancellationToken cancellationToken)
    {
        var path = $"{JenkinsPaths.FolderPath(folder)}api/json";
        var what = folder.Length == 0 ? "Jenkins" : $"Folder '{folder}'";
        if (folder.Length > 0)
        {
            _access.EnsureVisible(folder, what);
        }

        var container = await GetJsonAsync<JobDto>(path, $"jobs[{tree}]", what, cancellationToken);
        return container.Jobs ?? [];
    }

    public Task<BuildDto> GetBuildAsync(string job, string build, string tree, CancellationToken cancellationToken)
    {
        var path = $"{BuildPath(job, build)}api/json";
        _access.EnsureReadable(job, $"Build {build} of job '{job}'");
        return GetJsonAsync<BuildDto>(path, tree, $"Build {build} of job '{job}'", cancellationToken);
    }

    public async Task<TestReportDto?> GetTestReportAsync(string job, string build, string tree, CancellationToken cancellationToken)
    {
        // The report is a separate object: 404 means "no report", but only once the build itself is known to exist.
        await GetBuildAsync(job, build, "number", cancellationToken);
        using var response = await SendAsync(HttpMethod.Get, $"{BuildPath(job, build)}testReport/api/json?tree={Uri.EscapeDataString(tree)}", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureSuccessAsync(response, $"The test report of build {build} of job '{job}'", cancellationToken);
        return await ReadJsonAsync<TestReportDto>(response, cancellationToken);
    }

    /// <summary>
    /// One page of the console log from a raw byte offset, through Jenkins' progressive-text API (the one the web
    /// console follows running builds with). At most <paramref name="maxBytes"/> bytes of the answer are read.
    /// A page Jenkins answered whole ends at <c>X-Text-Size</c>, exactly; a page cut by the limit ends after its last
    /// whole line, its raw length counted by <see cref="ConsoleText.RawLength"/>. The text has notes cut out and LF ends.
    /// </summary>
    public async Task<LogChunk> GetLogChunkAsync(string job, string build, long offset, int maxBytes, CancellationToken cancellationToken)
    {
        var path = Invariant($"{BuildPath(job, build)}logText/progressiveText?start={offset}");
        _access.EnsureReadable(job, $"Build {build} of job '{job}'");
        using var response = await SendAsync(HttpMethod.Get, path, cancellationToken);
        await EnsureSuccessAsync(response, $"Build {build} of job '{job}'", cancellationToken);
        var (size, stillWriting) = ProgressiveHeaders(response);

        // Jenkins restarts from 0 when the start is past the end: report an empty page instead of repeating the log.
        if (offset > size)
        {
            return new LogChunk("", size, stillWriting, size);
        }

        var buffer = new byte[maxBytes + 1];
        var read = await ReadUpToAsync(response, buffer, cancellationToken);
        if (read <= maxBytes)
        {
            return new LogChunk(ConsoleText.Readable(buffer.AsSpan(0, read)), size, stillWriting, size);
        }

        var take = ConsoleText.PageEnd(buffer.AsSpan(0, read), maxBytes);
        var next = offset + ConsoleText.RawLength(buffer.AsSpan(0, take));
        return new LogChunk(ConsoleText.Readable(buffer.AsSpan(0, take)), next, true, size);
    }

    /// <summary>
    /// The last <paramref name="lines"/> lines of the console log without reading all of it: a HEAD of the progressive
    /// text gives the raw size (<c>X-Text-Size</c>, no body crosses the network), then only a window before the end is
    /// read, doubled until it holds enough lines.
    /// </summary>
    public async Task<LogTail> GetLogTailAsync(string job, string build, int lines, CancellationToken cancellationToken)
    {
        var path = $"{BuildPath(job, build)}logText/progressiveText";
        var what = $"Build {build} of job '{job}'";
        _access.EnsureReadable(job, what);
        long size;
        using (var head = await SendAsync(HttpMethod.Head, path + "?start=0", cancellationToken))
        {
            await EnsureSuccessAsync(head, what, cancellationToken);
            size = ProgressiveHeaders(head).Size;
        }

        long window = Math.Clamp(lines * 160L, 8 * 1024, MaxTailWindow);
        while (true)
        {
            var start = Math.Max(0, size - window);
            using var response = await SendAsync(HttpMethod.Get, Invariant($"{path}?start={start}"), cancellationToken);
            await EnsureSuccessAsync(response, what, cancellationToken);
            var (end, stillWriting) = ProgressiveHeaders(response);
            var body = await ReadAllAsync(response, MaxTailWindow * 3, cancellationToken);

            // Lines of the answer, the first one dropped when the window began inside it.
            var all = SplitLines(body, dropFirst: start > 0 && end >= start);
            if (all.Count >= lines || start == 0 || window >= MaxTailWindow)
            {
                var kept = all.Skip(Math.Max(0, all.Count - lines)).ToList();
                var rawKept = kept.Sum(line => (long)line.RawBytes);
                return new LogTail([.. kept.Select(line => line.Text)], Math.Max(0, end - rawKept), end, stillWriting);
            }

            window *= 4;
        }
    }

    /// <summary>The whole console log, line by line, streamed (logs can be large).</summary>
    public async IAsyncEnumerable<string> ReadLogLinesAsync(string job, string build, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var path = $"{BuildPath(job, build)}consoleText";
        _access.EnsureReadable(job, $"Build {build} of job '{job}'");
        using var response = await SendAsync(HttpMethod.Get, path, cancellationToken);
        await EnsureSuccessAsync(response, $"Build {build} of job '{job}'", cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            yield return line;
        }
    }

    public async Task<QueueDto> GetQueueAsync(string tree, CancellationToken cancellationToken)
        => await GetJsonAsync<QueueDto>("queue/api/json", tree, "The queue", cancellationToken);

    public Task<QueueItemDto> GetQueueItemAsync(long id, string tree, CancellationToken cancellationToken)
        => GetJsonAsync<QueueItemDto>(Invariant($"queue/item/{id}/api/json"), tree, QueueItemWhat(id), cancellationToken);

    /// <summary>How a queue item is named in errors (its 404 included, which a hidden item repeats word for word).</summary>
    internal static string QueueItemWhat(long id)
        => Invariant($"Queue item {id} (items live about 5 minutes after they leave the queue; find the build by its queueId with list_builds)");

    /// <summary>
    /// Queue.doCancelItem: 204 cancelled; 422 when the account lacks Job/Cancel; 500 when the item already left the
    /// queue between our look and the cancel (Queue.cancel fails for a left item); 404 unknown or unreadable.
    /// </summary>
    public async Task CancelQueueItemAsync(long id, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Post, Invariant($"queue/cancelItem?id={id}"), cancellationToken);
        switch ((int)response.StatusCode)
        {
            case 422:
                throw new JenkinsException(JenkinsError.PermissionDenied, Invariant(
                    $"{Account} may not cancel queue item {id}: it lacks the Job/Cancel permission on that job. Ask a Jenkins administrator to grant it."));
            case 500:
                throw new JenkinsException(JenkinsError.Rejected, Invariant(
                    $"Queue item {id} could not be cancelled: it has just left the queue (its build started or it was cancelled). Check it with get_queue_item; stop a started build with stop_build."));
            default:
                await EnsureSuccessAsync(response, Invariant($"Queue item {id}"), cancellationToken);
                break;
        }
    }

    public Task<ComputerSetDto> GetComputersAsync(string tree, CancellationToken cancellationToken)
        => GetJsonAsync<ComputerSetDto>("computer/api/json", tree, "The node list", cancellationToken);

    public Task<WhoAmIDto> WhoAmIAsync(CancellationToken cancellationToken)
        => GetJsonAsync<WhoAmIDto>("whoAmI/api/json", "name,authenticated,anonymous,authorities", "whoAmI", cancellationToken);

    /// <summary>The Jenkins version, from the <c>X-Jenkins</c> header every response carries.</summary>
    public async Task<string?> GetVersionAsync(CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, "api/json?tree=url", cancellationToken);
        await EnsureSuccessAsync(response, "Jenkins", cancellationToken);
        return response.Headers.TryGetValues("X-Jenkins", out var values) ? values.FirstOrDefault() : null;
    }

    /// <summary>
    /// Queues a build: <c>buildWithParameters</c> for parameterized jobs (Jenkins fills in defaults for parameters
    /// not given), <c>build</c> otherwise. Answers the queue item id from the <c>Location</c> header, or null when
    /// Jenkins merged the request into an identical item already queued.
    /// </summary>
    public async Task<long?> TriggerAsync(string job, bool parameterized, IReadOnlyDictionary<string, string?> parameters, CancellationToken cancellationToken)
    {
        var path = JenkinsPaths.JobPath(job) + (parameterized ? "buildWithParameters" : "build");
        _access.EnsureReadable(job, $"Job '{job}'");
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = parameterized
                ? new FormUrlEncodedContent(parameters.Select(p => KeyValuePair.Create(p.Key, p.Value ?? "")))
                : null,
        };
        using var response = await SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.SeeOther)
        {
            return QueueIdFrom(response.Headers.Location);
        }

        // Queue.schedule2 gave no item: a QueueDecisionHandler vetoed it, and doBuild / buildWithParameters answer with a
        // redirect to the job instead of 201 (ParameterizedJobMixIn; ParametersDefinitionProperty).
        if (response.StatusCode == HttpStatusCode.Found)
        {
            throw new JenkinsException(JenkinsError.Rejected,
                $"Jenkins refused to queue job '{job}': a queue decision handler (for example a release freeze or a throttling rule) vetoed the request, so nothing was queued.");
        }

        await EnsureSuccessAsync(response, $"Job '{job}'", cancellationToken);
        return QueueIdFrom(response.Headers.Location)
            ?? throw new JenkinsException(JenkinsError.Unexpected, $"Jenkins queued job '{job}' but did not say where (no Location header).");
    }

    /// <summary>A Pipeline run's stages (pipeline-stage-view's <c>wfapi/describe</c>); a run of another kind is not found there.</summary>
    public Task<WorkflowRunDto> GetPipelineRunAsync(string job, int number, CancellationToken cancellationToken)
        => GetWorkflowJsonAsync<WorkflowRunDto>(job, Invariant($"{JenkinsPaths.JobPath(job)}{number}/wfapi/describe"),
            Invariant($"Build {number} of job '{job}' as a Pipeline run (wfapi needs a Pipeline job and the Pipeline Stage View plugin)"), cancellationToken);

    /// <summary>One stage and its step nodes (<c>execution/node/ID/wfapi/describe</c>).</summary>
    public Task<WorkflowStageDto> GetPipelineStageAsync(string job, int number, string nodeId, CancellationToken cancellationToken)
        => GetWorkflowJsonAsync<WorkflowStageDto>(job, Invariant($"{JenkinsPaths.JobPath(job)}{number}/execution/node/{Uri.EscapeDataString(nodeId)}/wfapi/describe"),
            Invariant($"Stage {nodeId} of build {number} of job '{job}'"), cancellationToken);

    /// <summary>A step node's log (<c>execution/node/ID/wfapi/log</c>).</summary>
    public Task<WorkflowLogDto> GetPipelineNodeLogAsync(string job, int number, string nodeId, CancellationToken cancellationToken)
        => GetWorkflowJsonAsync<WorkflowLogDto>(job, Invariant($"{JenkinsPaths.JobPath(job)}{number}/execution/node/{Uri.EscapeDataString(nodeId)}/wfapi/log"),
            Invariant($"The log of step {nodeId} of build {number} of job '{job}'"), cancellationToken);

    /// <summary>
    /// The start of an archived file (<c>artifact/PATH</c>): at most <paramref name="maxBytes"/> bytes are read, and
    /// the file's length from Content-Length when Jenkins sends it.
    /// </summary>
    public async Task<(byte[] Bytes, bool Truncated, string? ContentType)> ReadArtifactAsync(string job, int number, string path, int maxBytes, CancellationToken cancellationToken)
    {
        var escaped = string.Join('/', path.Split('/').Select(Uri.EscapeDataString));
        _access.EnsureReadable(job, Invariant($"Artifact '{path}' of build {number} of job '{job}'"));
        using var response = await SendAsync(HttpMethod.Get, Invariant($"{JenkinsPaths.JobPath(job)}{number}/artifact/{escaped}"), cancellationToken);
        await EnsureSuccessAsync(response, Invariant($"Artifact '{path}' of build {number} of job '{job}'"), cancellationToken);
        var buffer = new byte[maxBytes + 1];
        var read = await ReadUpToAsync(response, buffer, cancellationToken);
        return (buffer[..Math.Min(read, maxBytes)], read > maxBytes, response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>
    /// ReplayAction.doRebuild (workflow-cps): runs a Pipeline build again with its original script and parameters.
    /// Jenkins answers with a redirect to the job and names no queue item.
    /// </summary>
    public async Task ReplayAsync(string job, int number, CancellationToken cancellationToken)
    {
        _access.EnsureReadable(job, Invariant($"Build {number} of job '{job}' (replay needs a Pipeline build)"));
        using var response = await SendAsync(HttpMethod.Post, Invariant($"{JenkinsPaths.JobPath(job)}{number}/replay/rebuild"), cancellationToken);
        await EnsureSuccessAsync(response, Invariant($"Build {number} of job '{job}' (replay needs a Pipeline build)"), cancellationToken);
    }

    /// <summary>
    /// Run.doSubmitDescription: sets a build's description (needs Run/Update); Jenkins answers with a redirect to the
    /// build.
    /// </summary>
    public async Task SetDescriptionAsync(string job, int number, string description, CancellationToken cancellationToken)
    {
        _access.EnsureReadable(job, Invariant($"Build {number} of job '{job}'"));
        using var request = new HttpRequestMessage(HttpMethod.Post, Invariant($"{JenkinsPaths.JobPath(job)}{number}/submitDescription"))
        {
            Content = new FormUrlEncodedContent([KeyValuePair.Create("description", description)]),
        };
        using var response = await SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, Invariant($"Build {number} of job '{job}'"), cancellationToken);
    }

    /// <summary>Asks Jenkins to abort a build. Jenkins answers with a redirect whether or not it was running.</summary>
    public async Task StopAsync(string job, int number, CancellationToken cancellationToken)
    {
        _access.EnsureReadable(job, Invariant($"Build {number} of job '{job}'"));
        using var response = await SendAsync(HttpMethod.Post, Invariant($"{JenkinsPaths.JobPath(job)}{number}/stop"), cancellationToken);
        await EnsureSuccessAsync(response, Invariant($"Build {number} of job '{job}'"), cancellationToken);
    }

    /// <summary>The biggest stretch of log a tail reads: 4 MiB.</summary>
    private const long MaxTailWindow = 4 * 1024 * 1024;

    private static (long Size, bool StillWriting) ProgressiveHeaders(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("X-Text-Size", out var sizes) || !long.TryParse(sizes.FirstOrDefault(), out var size))
        {
            throw new JenkinsException(JenkinsError.Unexpected, "Jenkins answered the progressive console text without X-Text-Size.");
        }

        var stillWriting = response.Headers.TryGetValues("X-More-Data", out var more) && more.Any(v => v.Equals("true", StringComparison.OrdinalIgnoreCase));
        return (size, stillWriting);
    }

    private static async Task<int> ReadUpToAsync(HttpResponseMessage response, byte[] buffer, CancellationToken cancellationToken)
    {
        var read = 0;
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        int n;
        while (read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken)) > 0)
        {
            read += n;
        }

        return read;
    }

    /// <summary>The body, keeping only its last <paramref name="keep"/> bytes (a log may grow while it is read).</summary>
    private static async Task<byte[]> ReadAllAsync(HttpResponseMessage response, long keep, CancellationToken cancellationToken)
    {
        using var memory = new MemoryStream();
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[64 * 1024];
        int n;
        while ((n = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            memory.Write(buffer, 0, n);
            if (memory.Length > keep * 2)
            {
                var tail = memory.ToArray()[^(int)keep..];
                memory.SetLength(0);
                memory.Write(tail);
            }
        }

        var all = memory.ToArray();
        return all.Length > keep ? all[^(int)keep..] : all;
    }

    /// <summary>Lines of a progressive-text body, readable, each with the raw bytes it stands for (its LF included).</summary>
    private static List<(string Text, int RawBytes)> SplitLines(byte[] body, bool dropFirst)
    {
        var lines = new List<(string, int)>();
        var span = body.AsSpan();
        var first = true;
        while (span.Length > 0)
        {
            var end = span.IndexOf((byte)'\n');
            var line = end < 0 ? span : span[..(end + 1)];
            if (!(first && dropFirst))
            {
                var text = ConsoleText.Readable(line).TrimEnd('\n');
                lines.Add((text, (int)ConsoleText.RawLength(line)));
            }

            first = false;
            span = span[line.Length..];
        }

        return lines;
    }

    internal static long? QueueIdFrom(Uri? location)
    {
        var match = location is null ? Match.Empty : QueueItemPath().Match(location.OriginalString);
        return match.Success && long.TryParse(match.Groups[1].ValueSpan, out var id) ? id : null;
    }

    /// <summary>The relative path of a build: a number or a permalink such as <c>lastBuild</c>.</summary>
    internal static string BuildPath(string job, string build)
    {
        var isNumber = int.TryParse(build, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) && number > 0;
        if (!isNumber && !Permalinks.Contains(build, StringComparer.Ordinal))
        {
            throw new McpProtocolException(
                $"'{build}' is not a build: give a build number or one of {string.Join(", ", Permalinks)}.", McpErrorCode.InvalidParams);
        }

        return $"{JenkinsPaths.JobPath(job)}{build}/";
    }

    private async Task<T> GetJsonAsync<T>(string path, string tree, string what, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, $"{path}?tree={Uri.EscapeDataString(tree)}", cancellationToken);
        await EnsureSuccessAsync(response, what, cancellationToken);
        return await ReadJsonAsync<T>(response, cancellationToken);
    }

    /// <summary>wfapi answers are Jackson JSON, not Stapler's: no <c>tree</c> parameter.</summary>
    private async Task<T> GetWorkflowJsonAsync<T>(string job, string path, string what, CancellationToken cancellationToken)
    {
        _access.EnsureReadable(job, what);
        using var response = await SendAsync(HttpMethod.Get, path, cancellationToken);
        await EnsureSuccessAsync(response, what, cancellationToken);
        return await ReadJsonAsync<T>(response, cancellationToken);
    }

    private static async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken)
                ?? throw new JenkinsException(JenkinsError.Unexpected, "Jenkins answered with an empty document.");
        }
        catch (JsonException exception)
        {
            throw new JenkinsException(JenkinsError.Unexpected, "Jenkins answered with JSON this server does not understand.", exception);
        }
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(method, path);
        return SendOwnedAsync(request, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendOwnedAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            return await SendAsync(request, cancellationToken);
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (_access.RunsAs is { } linked)
        {
            // The caller's own identity; the client's default header (the server's account) is then not added.
            request.Headers.Authorization = linked.Authorization;
        }

        try
        {
            return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        // Connection failures, resilience timeouts and open circuits alike mean "no answer from Jenkins".
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var path = request.RequestUri?.OriginalString.Split('?')[0];
            LogUnreachable(logger, request.Method.Method, path, exception.GetType().Name);

            throw new JenkinsException(JenkinsError.Unreachable, UnreachableMessage(exception), exception);
        }
    }

    /// <summary>What a failed connection means, in words a model can pass on; never the URL or credentials.</summary>
    private static string UnreachableMessage(Exception exception)
    {
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is System.Net.Sockets.SocketException socket)
            {
                return socket.SocketErrorCode == System.Net.Sockets.SocketError.ConnectionRefused
                    ? "Jenkins is down: it refused the connection (nothing listens at its address). Try again once it is back up."
                    : $"Jenkins cannot be reached ({socket.SocketErrorCode}). Try again once it is back up.";
            }
        }

        return "Jenkins did not answer in time (it is down, overloaded or unreachable). Try again in a minute.";
    }

    private async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        if (status is >= 200 and < 400)
        {
            return;
        }

        var detail = await ReadErrorDetailAsync(response, cancellationToken);
        var path = response.RequestMessage?.RequestUri?.AbsolutePath;
        LogJenkinsError(logger, status, path);

        throw response.StatusCode switch
        {
            HttpStatusCode.NotFound => new JenkinsException(JenkinsError.NotFound, NotFoundMessage(what)),
            HttpStatusCode.Conflict => new JenkinsException(JenkinsError.Disabled, $"{what} is disabled in Jenkins, so it cannot be built. Ask a Jenkins administrator to enable it."),
            HttpStatusCode.BadRequest when detail.Contains("not parameterized", StringComparison.OrdinalIgnoreCase)
                => new JenkinsException(JenkinsError.NotParameterized, $"{what} is not parameterized: trigger it without parameters."),
            HttpStatusCode.BadRequest => new JenkinsException(JenkinsError.Rejected, $"Jenkins refused the request for {what}: {Shorten(detail)}"),
            HttpStatusCode.Unauthorized => _access.RunsAs is { } linked
                ? new JenkinsException(JenkinsError.CredentialsRejected,
                    $"Jenkins no longer accepts the API token you linked for Jenkins user '{linked.User}' (revoked or expired in Jenkins). Link a new one at " +
                    $"{linked.LinkPage}, or unlink it there to run as the MCP server's Jenkins account; until then your calls are refused.")
                : new JenkinsException(JenkinsError.CredentialsRejected, "Jenkins rejected the MCP server's own Jenkins credentials; an administrator must fix Jenkins:User / Jenkins:ApiToken."),
            HttpStatusCode.Forbidden => Forbidden(response, what, detail, Account),
            HttpStatusCode.MethodNotAllowed => new JenkinsException(JenkinsError.Rejected, $"Jenkins does not allow this operation on {what}."),
            _ when status >= 500 => new JenkinsException(JenkinsError.Unreachable, Invariant($"Jenkins failed with HTTP {status}; try again later.")),
            _ => new JenkinsException(JenkinsError.Unexpected, Invariant($"Jenkins answered HTTP {status} for {what}.")),
        };
    }

    /// <summary>What a 404 says; also what an item the caller may not read says (<see cref="JenkinsAccess"/>).</summary>
    internal static string NotFoundMessage(string what)
        => $"{what} was not found in Jenkins. Check the name with list_jobs (full names use '/' between folders).";

    /// <summary>
    /// A 403: missing a permission (hudson.security.AccessDeniedHandlerImpl names it in X-Required-Permission, e.g.
    /// hudson.model.Item.Build), or no valid crumb, or no access at all.
    /// </summary>
    private static JenkinsException Forbidden(HttpResponseMessage response, string what, string detail, string account)
    {
        if (response.Headers.TryGetValues("X-Required-Permission", out var required) && required.FirstOrDefault() is { Length: > 0 } permission)
        {
            var name = PermissionNames.GetValueOrDefault(permission, permission);
            return new JenkinsException(JenkinsError.PermissionDenied,
                $"{account} lacks the {name} permission ({permission}) needed for {what}. Ask a Jenkins administrator to grant it, or choose another job.");
        }

        return detail.Contains("crumb", StringComparison.OrdinalIgnoreCase)
            ? new JenkinsException(JenkinsError.CredentialsRejected, $"Jenkins asked for a CSRF crumb for {what}; the MCP server must use an API token (Jenkins:ApiToken), which needs none.")
            : new JenkinsException(JenkinsError.PermissionDenied, $"{account} is not allowed to access {what}.");
    }

    /// <summary>Whose Jenkins permissions a refusal is about, as errors name it.</summary>
    private string Account => _access.RunsAs is { } linked ? $"Your Jenkins account '{linked.User}'" : "The MCP server's Jenkins account";

    /// <summary>The Jenkins user id this call runs as when the caller linked their own identity; null: the server's account.</summary>
    public string? LinkedJenkinsUser => _access.RunsAs?.User;

    /// <summary>Permission ids as Jenkins' matrix shows them.</summary>
    private static readonly Dictionary<string, string> PermissionNames = new(StringComparer.Ordinal)
    {
        ["hudson.model.Hudson.Read"] = "Overall/Read",
        ["hudson.model.Hudson.Administer"] = "Overall/Administer",
        ["hudson.model.Item.Discover"] = "Job/Discover",
        ["hudson.model.Item.Read"] = "Job/Read",
        ["hudson.model.Item.Build"] = "Job/Build",
        ["hudson.model.Item.Cancel"] = "Job/Cancel",
        ["hudson.model.Item.Workspace"] = "Job/Workspace",
        ["hudson.model.Run.Update"] = "Run/Update",
        ["hudson.model.Run.Replay"] = "Run/Replay",
        ["hudson.model.Run.Artifacts"] = "Run/Artifacts",
    };

    private static async Task<string> ReadErrorDetailAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            return body.Length > 2000 ? body[..2000] : body;
        }
        catch (HttpRequestException)
        {
            return "";
        }
    }

    private static string Shorten(string detail)
    {
        var text = HtmlTag().Replace(detail, " ");
        text = Whitespace().Replace(text, " ").Trim();
        return text.Length > 300 ? text[..300] + "…" : text;
    }

    private static string Invariant(FormattableString text) => JenkinsMapper.Invariant(text);

    [GeneratedRegex(@"/queue/item/(\d+)/?$")]
    private static partial Regex QueueItemPath();

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex HtmlTag();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Jenkins unreachable: {Method} {Path} failed with {ExceptionType}")]
    private static partial void LogUnreachable(ILogger logger, string method, string? path, string exceptionType);

    [LoggerMessage(Level = LogLevel.Information, Message = "Jenkins answered {Status} for {Path}")]
    private static partial void LogJenkinsError(ILogger logger, int status, string? path);
}

/// <summary>The end of a console log: its last lines, the raw offset of the first one, the raw size, and whether the build still writes.</summary>
public sealed record LogTail(IReadOnlyList<string> Lines, long Offset, long Size, bool StillWriting);

/// <summary>A slice of a console log: its text, the byte offset after it, and whether more follows.</summary>
public sealed record LogChunk(string Text, long NextOffset, bool HasMore, long TotalSize);
