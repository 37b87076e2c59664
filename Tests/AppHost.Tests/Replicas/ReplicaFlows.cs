using System.Net.Http.Headers;
using System.Text;
using McpAspire.AuthServer.Tests.Infrastructure;

namespace McpAspire.AppHost.Tests.Replicas;

/// <summary>The steps of the dance, each sent to the replica the test names.</summary>
public static class ReplicaFlows
{
    public const string RedirectUri = "http://127.0.0.1:53682/callback";

    /// <summary>RFC 7591 registration of a public native client.</summary>
    public static Task<string> RegisterAsync(HttpClient auth, string name) => PublicClientRegistration.RegisterAsync(auth, name, "http://127.0.0.1/callback");

    public static string AuthorizeUrl(string clientId, Pkce pkce, string resource) =>
        "/authorize?" + string.Join('&', new Dictionary<string, string>
        {
            ["response_type"] = "code",
            ["client_id"] = clientId,
            ["redirect_uri"] = RedirectUri,
            ["scope"] = "mcp:read mcp:write offline_access",
            ["state"] = "replicas",
            ["code_challenge"] = pkce.Challenge,
            ["code_challenge_method"] = "S256",
            ["resource"] = resource,
        }.Select(parameter => $"{parameter.Key}={Uri.EscapeDataString(parameter.Value)}"));

    /// <summary>
    /// The browser's part, each request to the next of <paramref name="browsers"/> in turn (one cookie jar behind all
    /// of them): authorization request, sign-in page and sign-in unless the jar holds a session, then the consent page
    /// and consent unless this client was allowed before. Returns the code.
    /// </summary>
    public static async Task<string> SignInAndConsentAsync(IReadOnlyList<HttpClient> browsers, string authorizeUrl, string userName, string password)
    {
        var turn = 0;
        HttpClient Next() => browsers[turn++ % browsers.Count];

        using var first = await Next().GetAsync(authorizeUrl);
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        var next = first.Headers.Location!;
        // The sign-in page is announced at the auth server's public URL (the proxy): its path goes to the next replica.
        var login = next.IsAbsoluteUri ? next.PathAndQuery : next.OriginalString;
        if (login.StartsWith("/account/login", StringComparison.Ordinal))
        {
            var loginPage = await Next().GetStringAsync(login);
            using var signedIn = await Next().PostAsync(login, Form(
                ("username", userName), ("password", password),
                ("returnUrl", HtmlForm.HiddenFields(loginPage).Single(field => field.Key == "returnUrl").Value),
                ("__RequestVerificationToken", HtmlForm.AntiforgeryToken(loginPage))));
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);

            var back = signedIn.Headers.Location!;
            using var consent = await Next().GetAsync(back.IsAbsoluteUri ? back.PathAndQuery : back.OriginalString);
            if (consent.StatusCode == HttpStatusCode.Redirect)
            {
                return CodeOf(consent.Headers.Location!);
            }

            var consentPage = await consent.Content.ReadAsStringAsync();
            Assert.True(consent.StatusCode == HttpStatusCode.OK, $"The consent page: {(int)consent.StatusCode}");
            var fields = HtmlForm.HiddenFields(consentPage);
            fields.Add(new("decision", "allow"));
            using var decided = await Next().PostAsync("/authorize", new FormUrlEncodedContent(fields));
            Assert.Equal(HttpStatusCode.Redirect, decided.StatusCode);
            next = decided.Headers.Location!;
        }

        return CodeOf(next);
    }

    private static string CodeOf(Uri callback)
    {
        Assert.StartsWith(RedirectUri, callback.AbsoluteUri, StringComparison.Ordinal);
        return callback.Query.TrimStart('?').Split('&')
            .Select(pair => pair.Split('=', 2)).ToDictionary(pair => pair[0], pair => Uri.UnescapeDataString(pair[1]))["code"];
    }

    public static Task<(HttpStatusCode Status, JsonElement Body)> RedeemAsync(HttpClient auth, string clientId, string code, Pkce pkce, string resource)
        => PostAsync(auth, "/token", Form(("grant_type", "authorization_code"), ("client_id", clientId), ("code", code),
            ("code_verifier", pkce.Verifier), ("redirect_uri", RedirectUri), ("resource", resource)));

    public static Task<(HttpStatusCode Status, JsonElement Body)> RefreshAsync(HttpClient auth, string clientId, string refreshToken)
        => PostAsync(auth, "/token", Form(("grant_type", "refresh_token"), ("client_id", clientId), ("refresh_token", refreshToken)));

    public static Task<(HttpStatusCode Status, JsonElement Body)> RevokeAsync(HttpClient auth, string clientId, string token)
        => PostAsync(auth, "/revoke", Form(("token", token), ("client_id", clientId)));

    /// <summary>Introspection as the MCP server does it (its client, HTTP Basic).</summary>
    public static Task<(HttpStatusCode Status, JsonElement Body)> IntrospectAsync(HttpClient auth, string token, string introspectionSecret)
        => PostAsync(auth, "/introspect", Form(("token", token)), new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{DistributedApplicationFixture.IntrospectionClientId}:{Uri.EscapeDataString(introspectionSecret)}"))));

    /// <summary>One MCP JSON-RPC request (stateless Streamable HTTP): the status and the response message.</summary>
    public static async Task<(HttpStatusCode Status, JsonElement? Message)> McpAsync(HttpClient mcp, string accessToken, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/mcp") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        request.Headers.Add("MCP-Protocol-Version", "2025-06-18");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await mcp.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonElement? message = null;
        foreach (var line in text.Split('\n'))
        {
            var data = line.StartsWith("data:", StringComparison.Ordinal) ? line["data:".Length..].Trim() : line.Trim();
            if (data.StartsWith('{') && JsonDocument.Parse(data).RootElement is { ValueKind: JsonValueKind.Object } element && element.TryGetProperty("id", out _))
            {
                message = element.Clone();
            }
        }

        return (response.StatusCode, message);
    }

    public static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new(fields.Select(field => new KeyValuePair<string, string>(field.Name, field.Value)));

    private static async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(HttpClient http, string path, HttpContent content, AuthenticationHeaderValue? authorization = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.Authorization = authorization;
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, string.IsNullOrWhiteSpace(text) ? default : JsonDocument.Parse(text).RootElement.Clone());
    }
}
