using System.Net.Http.Json;
using System.Security.Cryptography;
using ModelContextProtocol.Authentication;

namespace McpAspire.McpJenkinsServer.Tests.Clients;

/// <summary>
/// The plain HTTP a real MCP client sends, for the client emulations: no SDK OAuth, no redirects followed by
/// the client itself, every exchange in a <see cref="Transcript"/> with secrets masked. The user's part (the
/// auth server's sign-in and consent forms) is played by <see cref="HeadlessSignIn"/>, over HTTP.
/// </summary>
public sealed class EmulatedClient : IDisposable
{
    /// <summary>The grant types every emulated client registers: the code flow, with refresh.</summary>
    public static readonly string[] CodeAndRefreshGrants = ["authorization_code", "refresh_token"];

    /// <summary>The response type every emulated client registers.</summary>
    public static readonly string[] CodeResponseType = ["code"];

    private readonly HttpClient http;

    public EmulatedClient(McpAspireAppFixture app)
    {
        Transcript = new Transcript();
        http = new HttpClient(new TranscriptHandler(Transcript, DistributedApplicationFixture.WithOwnClientAddress(new SocketsHttpHandler { AllowAutoRedirect = false })))
        {
            Timeout = TimeSpan.FromSeconds(60),
        };
        SignIn = new HeadlessSignIn("admin", app.AdminPassword, Transcript);
    }

    public Transcript Transcript { get; }

    public HeadlessSignIn SignIn { get; }

    /// <summary>Every URL requested, with the status it got, in order (for the discovery chain assertions).</summary>
    public List<(Uri Url, HttpStatusCode Status)> Requests { get; } = [];

    public async Task<HttpResponseMessage> GetAsync(Uri url, IReadOnlyDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.Add(name, value);
        }

        return await SendAsync(request);
    }

    public async Task<JsonElement> RegisterAsync(string registrationEndpoint, object metadata)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, registrationEndpoint) { Content = JsonContent.Create(metadata) };
        using var response = await SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>
    /// Registers a public client the way rmcp's <c>register_client</c> does (Amazon Q, Kiro, Codex): the client's name,
    /// one loopback redirect URI, the code flow with refresh, no secret. Returns the client id.
    /// </summary>
    public async Task<string> RegisterRmcpClientAsync(string registrationEndpoint, string clientName, string redirectUri)
    {
        var registration = await RegisterAsync(registrationEndpoint, new Dictionary<string, object>
        {
            ["client_name"] = clientName,
            ["redirect_uris"] = new[] { redirectUri },
            ["grant_types"] = CodeAndRefreshGrants,
            ["token_endpoint_auth_method"] = "none",
            ["response_types"] = CodeResponseType,
        });
        return registration.GetProperty("client_id").GetString()!;
    }

    /// <summary>
    /// A client's metadata discovery: the candidate URLs in its order, the first 200's JSON wins; null if none answers.
    /// </summary>
    public async Task<JsonElement?> FirstFoundAsync(IEnumerable<Uri> candidates, IReadOnlyDictionary<string, string>? headers = null)
    {
        foreach (var candidate in candidates)
        {
            using var response = await GetAsync(candidate, headers);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
            }
        }

        return null;
    }

    /// <summary>
    /// The probe that starts OAuth: a JSON-RPC message without a token, which must be refused with 401; the
    /// challenge's <c>resource_metadata</c> and <c>scope</c>, which clients that read them go on with.
    /// </summary>
    public async Task<(string? ResourceMetadata, string? Scope)> ProbeAsync(Uri mcpUrl, string json, string protocolVersion)
    {
        var (probe, _) = await McpAsync(mcpUrl, null, json, protocolVersion);
        using (probe)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, probe.StatusCode);
            return (ChallengeParameter(probe, "resource_metadata"), ChallengeParameter(probe, "scope"));
        }
    }

    /// <summary>The user signs in and allows at the authorization URL; the client's loopback listener gets this back.</summary>
    public async Task<AuthorizationResult> AuthorizeAsync(Uri authorizationUrl, Uri redirectUri)
    {
        var result = await SignIn.AuthorizeAsync(
            new AuthorizationCallbackContext { AuthorizationUri = authorizationUrl, RedirectUri = redirectUri },
            CancellationToken.None);
        return Assert.IsType<AuthorizationResult>(result);
    }

    /// <summary>A token request (form-encoded, public client); returns the JSON token response, which must be 200.</summary>
    public async Task<JsonElement> TokenAsync(string tokenEndpoint, IEnumerable<KeyValuePair<string, string>> form)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, tokenEndpoint) { Content = new FormUrlEncodedContent(form) };
        using var response = await SendAsync(request);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"token endpoint: {(int)response.StatusCode} {Error(body)}");
        Assert.Equal("bearer", body.GetProperty("token_type").GetString(), ignoreCase: true);
        return body;
    }

    /// <summary>POSTs one JSON-RPC message to the MCP endpoint; the JSON-RPC answer, read from JSON or from SSE.</summary>
    public async Task<(HttpResponseMessage Response, JsonElement? Message)> McpAsync(Uri mcpUrl, string? accessToken, string json, string protocolVersion)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, mcpUrl) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        request.Headers.Add("MCP-Protocol-Version", protocolVersion);
        if (accessToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }

        var response = await SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonElement? message = null;
        if (response.Content.Headers.ContentType?.MediaType == "text/event-stream")
        {
            foreach (var line in text.Split('\n'))
            {
                if (line.StartsWith("data:", StringComparison.Ordinal)
                    && JsonDocument.Parse(line["data:".Length..].Trim()).RootElement is { ValueKind: JsonValueKind.Object } data
                    && data.TryGetProperty("id", out _))
                {
                    message = data.Clone();
                }
            }
        }
        else if (response.Content.Headers.ContentType?.MediaType == "application/json" && text.Length > 0)
        {
            message = JsonDocument.Parse(text).RootElement.Clone();
        }

        return (response, message);
    }

    /// <summary>
    /// What every client does once it holds a token: initialize, the initialized notification, tools/list and a
    /// tools/call of <paramref name="tool"/>. Returns the listed tool names.
    /// </summary>
    public async Task<IReadOnlyList<string>> UseMcpAsync(Uri mcpUrl, string accessToken, string protocolVersion, string tool = "get_jenkins_status", string arguments = "{}")
    {
        var (initialize, initialized) = await McpAsync(mcpUrl, accessToken,
            """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":""" + JsonSerializer.Serialize(protocolVersion) + ""","capabilities":{},"clientInfo":{"name":"emulated","version":"1"}}}""",
            protocolVersion);
        using (initialize)
        {
            Assert.Equal(HttpStatusCode.OK, initialize.StatusCode);
            Assert.Equal("jenkins", initialized!.Value.GetProperty("result").GetProperty("serverInfo").GetProperty("name").GetString());
        }

        var (notification, _) = await McpAsync(mcpUrl, accessToken, """{"jsonrpc":"2.0","method":"notifications/initialized"}""", protocolVersion);
        using (notification)
        {
            Assert.Equal(HttpStatusCode.Accepted, notification.StatusCode);
        }

        var (list, listed) = await McpAsync(mcpUrl, accessToken, """{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{}}""", protocolVersion);
        IReadOnlyList<string> names;
        using (list)
        {
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
            names = [.. listed!.Value.GetProperty("result").GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString()!)];
            Assert.Contains(tool, names);
        }

        var (call, called) = await McpAsync(mcpUrl, accessToken,
            $$$"""{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"{{{tool}}}","arguments":{{{arguments}}}}}""",
            protocolVersion);
        using (call)
        {
            Assert.Equal(HttpStatusCode.OK, call.StatusCode);
            var result = called!.Value.GetProperty("result");
            Assert.False(result.TryGetProperty("isError", out var isError) && isError.GetBoolean(), $"{tool}: {result}");
        }

        return names;
    }

    public void Dispose()
    {
        http.Dispose();
        SignIn.Dispose();
    }

    /// <summary>An RFC 6750 challenge's parameter (quoted-string value), or null.</summary>
    public static string? ChallengeParameter(HttpResponseMessage response, string name)
    {
        var header = string.Join(", ", response.Headers.NonValidated["WWW-Authenticate"]);
        var match = System.Text.RegularExpressions.Regex.Match(header, $@"\b{name}=""([^""]*)""", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));
        return match.Success ? match.Groups[1].Value : null;
    }

    /// <summary>PKCE S256 (RFC 7636): a random verifier and its challenge.</summary>
    public static (string Verifier, string Challenge) NewPkce()
    {
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        return (verifier, Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
    }

    public static string NewState() => Base64Url(RandomNumberGenerator.GetBytes(16));

    /// <summary>A URL with query parameters appended in the given order (as each client's library writes them).</summary>
    public static Uri WithQuery(string endpoint, IEnumerable<KeyValuePair<string, string>> parameters)
        => new(endpoint + (endpoint.Contains('?', StringComparison.Ordinal) ? "&" : "?")
            + string.Join('&', parameters.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}")));

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        var response = await http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        Requests.Add((request.RequestUri!, response.StatusCode));
        return response;
    }

    private static string Error(JsonElement body)
        => body.ValueKind == JsonValueKind.Object && body.TryGetProperty("error", out var error) ? $"{error} {(body.TryGetProperty("error_description", out var d) ? d : default)}" : "";

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
