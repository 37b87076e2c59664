using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using McpAspire.McpJenkinsServer.Model.Jenkins;
using ModelContextProtocol;

namespace McpAspire.McpJenkinsServer.Services;

/// <summary>
/// A typed client for the Jenkins REST API. It authenticates with the server's own API token (so CSRF crumbs
/// are not needed: API-token requests are exempt), asks only for the fields it uses (<c>?tree=</c>), and turns
/// every failure into a <see cref="JenkinsException"/> whose message tells a model what to do next.
/// </summary>
public sealed partial class JenkinsClient(HttpClient http, ILogger<JenkinsClient> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Permalinks Jenkins resolves in place of a build number.</summary>
    public static readonly string[] Permalinks =
        ["lastBuild", "lastCompletedBuild", "lastSuccessfulBuild", "lastFailedBuild", "lastStableBuild", "lastUnstableBuild", "lastUnsuccessfulBuild"];

    internal const string BuildSummaryTree = "number,result,building,timestamp,duration,url";

    public Task<JenkinsRootDto> GetRootAsync(string tree, CancellationToken cancellationToken)
        => GetJsonAsync<JenkinsRootDto>("api/json", tree, "Jenkins", cancellationToken);

    public Task<JobDto> GetItemAsync(string fullName, string tree, CancellationToken cancellationToken)
        => GetJsonAsync<JobDto>($"{JenkinsPaths.JobPath(fullName)}api/json", tree, $"Job '{fullName}'", cancellationToken);

    /// <summary>The children of a folder, or of the root when <paramref name="folder"/> is empty.</summary>
    public async Task<IReadOnlyList<JobDto>> GetChildrenAsync(string folder, string tree, CancellationToken cancellationToken)
    {
        var path = $"{JenkinsPaths.FolderPath(folder)}api/json";
        var what = folder.Length == 0 ? "Jenkins" : $"Folder '{folder}'";
        var container = await GetJsonAsync<JobDto>(path, $"jobs[{tree}]", what, cancellationToken);
        return container.Jobs ?? [];
    }

    public Task<BuildDto> GetBuildAsync(string job, string build, string tree, CancellationToken cancellationToken)
        => GetJsonAsync<BuildDto>($"{BuildPath(job, build)}api/json", tree, $"Build {build} of job '{job}'", cancellationToken);

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
    /// One page of the console log from a byte offset, through Jenkins' progressive-text API (the same one the
    /// web console uses to follow a running build). At most <paramref name="maxBytes"/> bytes are read.
    /// </summary>
    public async Task<LogChunk> GetLogChunkAsync(string job, string build, long offset, int maxBytes, CancellationToken cancellationToken)
    {
        var path = Invariant($"{BuildPath(job, build)}logText/progressiveText?start={offset}");
        using var response = await SendAsync(HttpMethod.Get, path, cancellationToken);
        await EnsureSuccessAsync(response, $"Build {build} of job '{job}'", cancellationToken);

        var size = response.Headers.TryGetValues("X-Text-Size", out var sizes) && long.TryParse(sizes.FirstOrDefault(), out var s) ? s : (long?)null;
        var stillWriting = response.Headers.TryGetValues("X-More-Data", out var more) && more.Any(v => v.Equals("true", StringComparison.OrdinalIgnoreCase));

        // Jenkins restarts from 0 when the start is past the end: report an empty page instead of repeating the log.
        if (size is { } total && offset > total)
        {
            return new LogChunk("", total, stillWriting, total);
        }

        var buffer = new byte[maxBytes + 1];
        var read = 0;
        await using (var stream = await response.Content.ReadAsStreamAsync(cancellationToken))
        {
            int n;
            while (read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken)) > 0)
            {
                read += n;
            }
        }

        var truncated = read > maxBytes;
        var take = Math.Min(read, maxBytes);
        if (truncated)
        {
            // End the page on a line break when there is one, and never inside a UTF-8 character.
            var lastNewline = Array.LastIndexOf(buffer, (byte)'\n', take - 1, take);
            take = lastNewline >= 0 ? lastNewline + 1 : Utf8Boundary(buffer, take);
        }

        var text = Encoding.UTF8.GetString(buffer, 0, take);
        var next = offset + take;
        return new LogChunk(text, next, truncated || stillWriting, size ?? next);
    }

    /// <summary>The whole console log, line by line, streamed (logs can be large).</summary>
    public async IAsyncEnumerable<string> ReadLogLinesAsync(string job, string build, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, $"{BuildPath(job, build)}consoleText", cancellationToken);
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
        => GetJsonAsync<QueueItemDto>(Invariant($"queue/item/{id}/api/json"), tree,
            Invariant($"Queue item {id} (items live about 5 minutes after they leave the queue; find the build by its queueId with list_builds)"),
            cancellationToken);

    public async Task CancelQueueItemAsync(long id, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Post, Invariant($"queue/cancelItem?id={id}"), cancellationToken);
        await EnsureSuccessAsync(response, Invariant($"Queue item {id}"), cancellationToken);
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

        await EnsureSuccessAsync(response, $"Job '{job}'", cancellationToken);
        return QueueIdFrom(response.Headers.Location)
            ?? throw new JenkinsException(JenkinsError.Unexpected, $"Jenkins queued job '{job}' but did not say where (no Location header).");
    }

    /// <summary>Asks Jenkins to abort a build. Jenkins answers with a redirect whether or not it was running.</summary>
    public async Task StopAsync(string job, int number, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Post, Invariant($"{JenkinsPaths.JobPath(job)}{number}/stop"), cancellationToken);
        await EnsureSuccessAsync(response, Invariant($"Build {number} of job '{job}'"), cancellationToken);
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
        try
        {
            return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        // Connection failures, resilience timeouts and open circuits alike mean "no answer from Jenkins".
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var path = request.RequestUri?.OriginalString.Split('?')[0];
            LogUnreachable(logger, request.Method.Method, path, exception.GetType().Name);

            throw new JenkinsException(JenkinsError.Unreachable, "Jenkins is unreachable right now (no answer in time); try again in a minute.", exception);
        }
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
            HttpStatusCode.NotFound => new JenkinsException(JenkinsError.NotFound, $"{what} was not found in Jenkins. Check the name with list_jobs (full names use '/' between folders)."),
            HttpStatusCode.Conflict => new JenkinsException(JenkinsError.Disabled, $"{what} is disabled in Jenkins, so it cannot be built. Ask a Jenkins administrator to enable it."),
            HttpStatusCode.BadRequest when detail.Contains("not parameterized", StringComparison.OrdinalIgnoreCase)
                => new JenkinsException(JenkinsError.NotParameterized, $"{what} is not parameterized: trigger it without parameters."),
            HttpStatusCode.BadRequest => new JenkinsException(JenkinsError.Rejected, $"Jenkins refused the request for {what}: {Shorten(detail)}"),
            HttpStatusCode.Unauthorized => new JenkinsException(JenkinsError.CredentialsRejected, "Jenkins rejected the MCP server's own Jenkins credentials; an administrator must fix Jenkins:User / Jenkins:ApiToken."),
            HttpStatusCode.Forbidden => new JenkinsException(JenkinsError.CredentialsRejected, $"The MCP server's Jenkins account is not allowed to access {what}."),
            HttpStatusCode.MethodNotAllowed => new JenkinsException(JenkinsError.Rejected, $"Jenkins does not allow this operation on {what}."),
            _ when status >= 500 => new JenkinsException(JenkinsError.Unreachable, Invariant($"Jenkins failed with HTTP {status}; try again later.")),
            _ => new JenkinsException(JenkinsError.Unexpected, Invariant($"Jenkins answered HTTP {status} for {what}.")),
        };
    }

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

    private static int Utf8Boundary(byte[] buffer, int length)
    {
        var end = length;
        while (end > 0 && (buffer[end] & 0xC0) == 0x80)
        {
            end--;
        }

        return end;
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

/// <summary>A slice of a console log: its text, the byte offset after it, and whether more follows.</summary>
public sealed record LogChunk(string Text, long NextOffset, bool HasMore, long TotalSize);
