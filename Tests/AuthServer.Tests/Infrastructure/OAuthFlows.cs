namespace McpAspire.AuthServer.Tests.Infrastructure;

/// <summary>What an MCP client and the MCP server do against the auth server, one HTTP step at a time.</summary>
public sealed class OAuthFlows(DistributedApplicationFixture fixture)
{
    /// <summary>A loopback redirect URI as native MCP clients register it (RFC 8252: no port).</summary>
    public const string LoopbackRedirectUri = "http://127.0.0.1/callback";

    /// <summary>Registers a public client through RFC 7591 <c>/register</c>, as MCP clients do on connect.</summary>
    public async Task<string> RegisterPublicClientAsync(string clientName, string redirectUri = LoopbackRedirectUri)
    {
        using var http = fixture.CreateHttpClient(DistributedApplicationFixture.AuthServer);
        return await PublicClientRegistration.RegisterAsync(http, clientName, redirectUri);
    }

    /// <summary>An authorization request URL (code flow, PKCE S256).</summary>
    public static string AuthorizeUrl(string clientId, Pkce pkce, string state, string scope = "mcp:read mcp:write offline_access",
        string redirectUri = "http://127.0.0.1:53682/callback", string? resource = null, IDictionary<string, string?>? extra = null)
    {
        var parameters = new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = clientId,
            ["redirect_uri"] = redirectUri,
            ["scope"] = scope,
            ["state"] = state,
            ["code_challenge"] = pkce.Challenge,
            ["code_challenge_method"] = "S256",
        };
        if (resource is not null)
        {
            parameters["resource"] = resource;
        }

        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            parameters[key] = value;
        }

        return QueryHelpers.AddQueryString("/authorize", parameters.Where(p => p.Value is not null));
    }

    /// <summary>
    /// Goes through the real sign-in and consent forms with one cookie-keeping client, as a browser without
    /// JavaScript would, and returns the final redirect to the client (carrying code, state and iss).
    /// </summary>
    public static async Task<Uri> SignInAndConsentAsync(HttpClient browser, string authorizeUrl, string userName, string password)
        => await DecideAsync(browser, await SignInForConsentAsync(browser, authorizeUrl, userName, password), "allow");

    /// <summary>Follows the authorization request to the sign-in form, signs in and returns the consent page it leads to.</summary>
    public static async Task<string> SignInForConsentAsync(HttpClient browser, string authorizeUrl, string userName, string password)
    {
        using var first = await browser.GetAsync(authorizeUrl);
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        var login = first.Headers.Location!;
        Assert.StartsWith("/account/login", login.IsAbsoluteUri ? login.PathAndQuery : login.OriginalString, StringComparison.Ordinal);

        using var signedIn = await LocalUsers.SignInAtAsync(browser, login, userName, password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);

        using var consent = await browser.GetAsync(signedIn.Headers.Location);
        var consentPage = await consent.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, consent.StatusCode);
        return consentPage;
    }

    /// <summary>Posts the consent form with <paramref name="decision"/> and returns the redirect to the client.</summary>
    public static async Task<Uri> DecideAsync(HttpClient browser, string consentPage, string decision)
    {
        var fields = HtmlForm.HiddenFields(consentPage);
        fields.Add(new("decision", decision));
        using var decided = await browser.PostAsync("/authorize", new FormUrlEncodedContent(fields));
        Assert.Equal(HttpStatusCode.Redirect, decided.StatusCode);
        return decided.Headers.Location!;
    }

    public async Task<(HttpResponseMessage Response, JsonElement Body)> RedeemCodeAsync(string clientId, string code, string verifier,
        string redirectUri = "http://127.0.0.1:53682/callback", string? resource = null)
    {
        var fields = new List<(string, string)>
        {
            ("grant_type", "authorization_code"), ("client_id", clientId), ("code", code),
            ("code_verifier", verifier), ("redirect_uri", redirectUri),
        };
        if (resource is not null)
        {
            fields.Add(("resource", resource));
        }

        return await PostAsync("/token", Form([.. fields]));
    }

    public Task<(HttpResponseMessage Response, JsonElement Body)> RefreshAsync(string clientId, string refreshToken) =>
        PostAsync("/token", Form(("grant_type", "refresh_token"), ("client_id", clientId), ("refresh_token", refreshToken)));

    /// <summary>Client credentials as <paramref name="client"/> (HTTP Basic, client_secret_basic).</summary>
    public Task<(HttpResponseMessage Response, JsonElement Body)> ClientCredentialsAsync(MachineClient client, string? scope = null, string? resource = null, string? secret = null)
    {
        var fields = new List<(string, string)> { ("grant_type", "client_credentials") };
        if (scope is not null)
        {
            fields.Add(("scope", scope));
        }

        if (resource is not null)
        {
            fields.Add(("resource", resource));
        }

        return PostAsync("/token", Form([.. fields]), Basic(client.ClientId, secret ?? client.Secret));
    }

    /// <summary>
    /// Creates a machine client as the administrator does: signed in on the admin page, granting
    /// <paramref name="scopes"/>. Its secret is read from the page, the only place it is ever shown.
    /// </summary>
    public async Task<MachineClient> CreateMachineClientAsync(string name, params string[] scopes)
    {
        using var browser = fixture.CreateHttpClient(DistributedApplicationFixture.AuthServer, keepCookies: true);
        var page = await SignInAsAdministratorAsync(browser, MachineClientsPage);
        var fields = new List<KeyValuePair<string, string>>
        {
            new("name", name),
            // The page has two forms (create, delete), each with the same antiforgery token.
            new("__RequestVerificationToken", HtmlForm.AntiforgeryToken(page)),
        };
        fields.AddRange(scopes.Select(scope => new KeyValuePair<string, string>("scope", scope)));
        using var created = await browser.PostAsync(MachineClientsPage + "?handler=create", new FormUrlEncodedContent(fields));
        var result = await created.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        return new MachineClient(HtmlForm.ElementText(result, "created-client-id"), HtmlForm.ElementText(result, "created-client-secret"));
    }

    public const string MachineClientsPage = "/admin/machine-clients";

    /// <summary>Follows a protected page's redirect to the sign-in form, signs in as the administrator and returns the page.</summary>
    public Task<string> SignInAsAdministratorAsync(HttpClient browser, string path) => fixture.SignInAsAdministratorAsync(browser, path);

    /// <summary>RFC 7662 introspection as the MCP server does it.</summary>
    public Task<(HttpResponseMessage Response, JsonElement Body)> IntrospectAsync(string token, string? clientId = null, string? secret = null) =>
        PostAsync("/introspect", Form(("token", token)),
            Basic(clientId ?? AuthServerFixture.IntrospectionClientId, secret ?? fixture.IntrospectionSecret));

    /// <summary>RFC 7009 revocation by a public client (client_id only).</summary>
    public Task<(HttpResponseMessage Response, JsonElement Body)> RevokeAsPublicClientAsync(string clientId, string token) =>
        PostAsync("/revoke", Form(("token", token), ("client_id", clientId)));

    /// <summary>RFC 7009 revocation by a confidential client, authenticated with its secret.</summary>
    public Task<(HttpResponseMessage Response, JsonElement Body)> RevokeAsync(MachineClient client, string token) =>
        PostAsync("/revoke", Form(("token", token)), Basic(client.ClientId, client.Secret));

    /// <summary>Signs in (as <paramref name="user"/>, the administrator by default), consents and redeems the code: a user's tokens for a freshly registered client.</summary>
    public async Task<(string ClientId, JsonElement Tokens)> ObtainUserTokensAsync(string clientName, string scope = "mcp:read mcp:write offline_access", TestUser? user = null)
    {
        var clientId = await RegisterPublicClientAsync(clientName);
        var pkce = Pkce.Create();
        using var browser = fixture.CreateHttpClient(DistributedApplicationFixture.AuthServer, keepCookies: true);
        var callback = await SignInAndConsentAsync(browser, AuthorizeUrl(clientId, pkce, "s1", scope),
            user?.UserName ?? AuthServerFixture.AdminUserName, user?.Password ?? fixture.AdminPassword);
        var code = QueryHelpers.ParseQuery(callback.Query)["code"].ToString();
        var (response, body) = await RedeemCodeAsync(clientId, code, pkce.Verifier);
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        return (clientId, body);
    }

    public async Task<(HttpResponseMessage Response, JsonElement Body)> PostAsync(string path, HttpContent content, AuthenticationHeaderValue? authorization = null)
    {
        using var http = fixture.CreateHttpClient(DistributedApplicationFixture.AuthServer);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.Authorization = authorization;
        var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var body = string.IsNullOrWhiteSpace(text) ? default : JsonDocument.Parse(text).RootElement.Clone();
        return (response, body);
    }

    public static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new(fields.Select(field => new KeyValuePair<string, string>(field.Name, field.Value)));

    private static AuthenticationHeaderValue Basic(string clientId, string secret) => new("Basic",
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(clientId)}:{Uri.EscapeDataString(secret)}")));
}

/// <summary>An administrator-provisioned confidential client and its secret.</summary>
public sealed record MachineClient(string ClientId, string Secret);
