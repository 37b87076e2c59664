extern alias apphost;

using System.Text.Json.Nodes;
using apphost::McpAspire.AppHost.DynamoDb;

namespace McpAspire.AuthServer.Tests.Registration;

/// <summary>
/// RFC 7591 registration, RFC 7592 management, discovery and Client ID Metadata Documents against the whole
/// AppHost (real DynamoDB Local, the real OpenIddict pipeline).
/// </summary>
public sealed class ClientRegistrationTests(AuthServerFixture fixture, MetadataDocumentServer documents) : IClassFixture<MetadataDocumentServer>
{
    private readonly OAuthFlows _oauth = new(fixture);

    // ---- RFC 7591 registration ----

    [Fact]
    public async Task A_public_native_client_is_registered_with_no_secret_and_its_metadata_echoed()
    {
        var (response, body) = await RegisterAsync(new JsonObject
        {
            ["client_name"] = "Q DEV CLI",
            ["redirect_uris"] = new JsonArray("http://127.0.0.1:49152/callback"),
            ["grant_types"] = new JsonArray("authorization_code", "refresh_token"),
            ["response_types"] = new JsonArray("code"),
            ["token_endpoint_auth_method"] = "none",
            ["scope"] = "openid email profile offline_access",
        });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var clientId = body.GetProperty("client_id").GetString()!;
        Assert.Matches("^[A-Za-z0-9_-]{20,}$", clientId);
        Assert.InRange(body.GetProperty("client_id_issued_at").GetInt64(),
            DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds());
        Assert.False(body.TryGetProperty("client_secret", out _));
        Assert.False(body.TryGetProperty("client_secret_expires_at", out _));
        Assert.Equal("Q DEV CLI", body.GetProperty("client_name").GetString());
        Assert.Equal(["http://127.0.0.1:49152/callback"], Strings(body, "redirect_uris"));
        Assert.Equal(["authorization_code", "refresh_token"], Strings(body, "grant_types"));
        Assert.Equal(["code"], Strings(body, "response_types"));
        Assert.Equal("none", body.GetProperty("token_endpoint_auth_method").GetString());
        Assert.Equal("native", body.GetProperty("application_type").GetString());
        Assert.Equal("openid email profile offline_access", body.GetProperty("scope").GetString());
        Assert.Equal(new Uri(fixture.BaseAddress, $"/register/{clientId}").AbsoluteUri, body.GetProperty("registration_client_uri").GetString());
        Assert.Equal(body.GetProperty("registration_client_uri").GetString(), response.Headers.Location?.AbsoluteUri);
        Assert.Matches("^[A-Za-z0-9_-]{43}$", body.GetProperty("registration_access_token").GetString()!);
    }

    [Fact]
    public async Task A_confidential_client_gets_a_secret_that_authenticates_it_at_the_token_endpoint()
    {
        var (response, body) = await RegisterAsync(new JsonObject
        {
            ["client_name"] = "Web app",
            ["redirect_uris"] = new JsonArray("https://app.example.com/callback"),
            ["token_endpoint_auth_method"] = "client_secret_basic",
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var clientId = body.GetProperty("client_id").GetString()!;
        var secret = body.GetProperty("client_secret").GetString()!;
        Assert.Equal(0, body.GetProperty("client_secret_expires_at").GetInt64());

        // A code that was never issued: with the right secret the client is authenticated and only the code is
        // refused (invalid_grant); with a wrong one the client itself is (invalid_client).
        var redemption = OAuthFlows.Form(("grant_type", "authorization_code"), ("code", "never-issued"),
            ("redirect_uri", "https://app.example.com/callback"), ("code_verifier", Pkce.Create().Verifier));
        var basic = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(
            $"{Uri.EscapeDataString(clientId)}:{Uri.EscapeDataString(secret)}")));
        var (authenticated, grantError) = await _oauth.PostAsync("/token", redemption, basic);
        var wrongBasic = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{clientId}:wrong-secret")));
        var (refused, error) = await _oauth.PostAsync("/token", OAuthFlows.Form(("grant_type", "authorization_code"), ("code", "never-issued"),
            ("redirect_uri", "https://app.example.com/callback"), ("code_verifier", Pkce.Create().Verifier)), wrongBasic);

        Assert.Equal(HttpStatusCode.BadRequest, authenticated.StatusCode);
        Assert.Equal("invalid_grant", grantError.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("invalid_client", error.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_public_client_gets_no_token_from_the_client_credentials_grant()
    {
        var clientId = await _oauth.RegisterPublicClientAsync("No client credentials");

        var (response, error) = await _oauth.PostAsync("/token", OAuthFlows.Form(("grant_type", "client_credentials"), ("client_id", clientId)));

        // OpenIddict refuses client_credentials without client authentication before looking at the client.
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", error.GetProperty("error").GetString());
        Assert.False(error.TryGetProperty("access_token", out _));
    }

    [Theory]
    [InlineData("""{"redirect_uris":["http://app.example.com/callback"],"token_endpoint_auth_method":"none"}""", "invalid_redirect_uri")]
    [InlineData("""{"redirect_uris":["https://app.example.com/callback#x"],"token_endpoint_auth_method":"none"}""", "invalid_redirect_uri")]
    [InlineData("""{"redirect_uris":["myapp:/callback"],"token_endpoint_auth_method":"none"}""", "invalid_redirect_uri")]
    [InlineData("""{"token_endpoint_auth_method":"none"}""", "invalid_redirect_uri")]
    [InlineData("""{"redirect_uris":["https://a.example/cb"],"grant_types":["authorization_code"],"response_types":["token"]}""", "invalid_client_metadata")]
    [InlineData("""{"redirect_uris":["https://a.example/cb"],"token_endpoint_auth_method":"private_key_jwt"}""", "invalid_client_metadata")]
    [InlineData("""{"redirect_uris":["https://a.example/cb"],"grant_types":["password"]}""", "invalid_client_metadata")]
    [InlineData("""{"redirect_uris":["https://a.example/cb"],"client_name":7}""", "invalid_client_metadata")]
    [InlineData("""{"redirect_uris":["https://a.example/cb"]""", "invalid_client_metadata")]
    public async Task Invalid_registrations_are_refused_with_400_and_the_exact_error_code(string json, string expectedError)
    {
        var (response, body) = await PostRawAsync("/register", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(expectedError, body.GetProperty("error").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("error_description").GetString()));
    }

    [Fact]
    public async Task An_oversized_registration_is_refused_as_invalid_client_metadata()
    {
        var json = $$"""{"redirect_uris":["https://a.example/cb"],"client_name":"x","padding":"{{new string('p', 20_000)}}"}""";

        var (response, body) = await PostRawAsync("/register", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_client_metadata", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_registration_that_is_not_json_is_refused_as_invalid_client_metadata()
    {
        var (response, body) = await PostRawAsync("/register", new FormUrlEncodedContent([new("redirect_uris", "https://a.example/cb")]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_client_metadata", body.GetProperty("error").GetString());
    }

    // ---- Unused registrations expire, used ones stay ----

    [Fact]
    public async Task A_registration_is_stored_with_an_expiry_that_its_first_token_removes()
    {
        var clientId = await _oauth.RegisterPublicClientAsync("Expiry test");

        var expiry = await StoredExpiryAsync(clientId);
        var pkce = Pkce.Create();
        using var browser = fixture.CreateBrowserLikeClient();
        var callback = await OAuthFlows.SignInAndConsentAsync(browser, OAuthFlows.AuthorizeUrl(clientId, pkce, "s"),
            AuthServerFixture.AdminUserName, fixture.AdminPassword);
        var (granted, _) = await _oauth.RedeemCodeAsync(clientId, QueryHelpers.ParseQuery(callback.Query)["code"].ToString(), pkce.Verifier);
        var expiryAfterUse = await StoredExpiryAsync(clientId);

        var expected = DateTimeOffset.UtcNow.AddHours(24).ToUnixTimeSeconds();
        Assert.NotNull(expiry);
        Assert.InRange(expiry.Value, expected - 600, expected + 600);
        Assert.Equal(HttpStatusCode.OK, granted.StatusCode);
        Assert.Null(expiryAfterUse);
    }

    [Fact]
    public async Task A_public_client_that_signs_a_user_in_keeps_its_registration()
    {
        var unused = await RegisterPublicAsync("Never used");
        var (used, tokens) = await _oauth.ObtainUserTokensAsync("Used once");

        Assert.NotNull(await StoredExpiryAsync(unused.ClientId));
        Assert.False(string.IsNullOrEmpty(tokens.GetProperty("access_token").GetString()));
        Assert.Null(await StoredExpiryAsync(used));
    }

    // ---- RFC 7592 management ----

    [Fact]
    public async Task The_registration_access_token_reads_the_registration()
    {
        var registered = await RegisterPublicAsync("Readable client");

        var (response, body) = await ManageAsync(HttpMethod.Get, registered, registered.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal(registered.ClientId, body.GetProperty("client_id").GetString());
        Assert.Equal("Readable client", body.GetProperty("client_name").GetString());
        Assert.Equal(["http://127.0.0.1/callback"], Strings(body, "redirect_uris"));
        Assert.Equal(registered.Token, body.GetProperty("registration_access_token").GetString());
        Assert.False(body.TryGetProperty("client_secret", out _));
    }

    [Fact]
    public async Task A_missing_wrong_or_foreign_registration_access_token_gets_401_invalid_token()
    {
        var mine = await RegisterPublicAsync("Token owner");
        var theirs = await RegisterPublicAsync("Other client");

        foreach (var token in new string?[] { null, "wrong-token", theirs.Token, mine.Token[..^2] })
        {
            var (response, body) = await ManageAsync(HttpMethod.Get, mine, token);

            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("invalid_token", body.GetProperty("error").GetString());
            Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }

        var (unknown, _) = await ManageAsync(HttpMethod.Get, mine with { ClientId = "no-such-client" }, mine.Token);
        var (preRegistered, _) = await ManageAsync(HttpMethod.Get, mine with { ClientId = AuthServerFixture.IntrospectionClientId }, mine.Token);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, preRegistered.StatusCode);
    }

    [Fact]
    public async Task An_update_replaces_the_metadata_and_is_read_back()
    {
        var registered = await RegisterPublicAsync("Before update");

        var (updated, body) = await ManageAsync(HttpMethod.Put, registered, registered.Token, new JsonObject
        {
            ["client_id"] = registered.ClientId,
            ["client_name"] = "After update",
            ["redirect_uris"] = new JsonArray("http://localhost/oauth/callback"),
            ["grant_types"] = new JsonArray("authorization_code"),
            ["token_endpoint_auth_method"] = "none",
        });
        var (_, read) = await ManageAsync(HttpMethod.Get, registered, registered.Token);

        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal("After update", body.GetProperty("client_name").GetString());
        Assert.Equal("After update", read.GetProperty("client_name").GetString());
        Assert.Equal(["http://localhost/oauth/callback"], Strings(read, "redirect_uris"));
        Assert.Equal(["authorization_code"], Strings(read, "grant_types"));

        // The old redirect URI no longer binds authorization requests; the new one does, on any port.
        var (oldStatus, _) = await AuthorizeAsync(registered.ClientId, "http://127.0.0.1:50001/callback");
        var (newStatus, newLocation) = await AuthorizeAsync(registered.ClientId, "http://localhost:50002/oauth/callback");
        Assert.Equal(HttpStatusCode.BadRequest, oldStatus);
        Assert.Equal(HttpStatusCode.Redirect, newStatus);
        Assert.StartsWith("/account/login", newLocation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_update_that_changes_the_client_type_or_names_another_client_is_refused()
    {
        var registered = await RegisterPublicAsync("Stays public");

        var (toConfidential, error1) = await ManageAsync(HttpMethod.Put, registered, registered.Token, new JsonObject
        {
            ["client_id"] = registered.ClientId,
            ["redirect_uris"] = new JsonArray("http://127.0.0.1/callback"),
            ["token_endpoint_auth_method"] = "client_secret_basic",
        });
        var (otherId, error2) = await ManageAsync(HttpMethod.Put, registered, registered.Token, new JsonObject
        {
            ["client_id"] = "someone-else",
            ["redirect_uris"] = new JsonArray("http://127.0.0.1/callback"),
            ["token_endpoint_auth_method"] = "none",
        });
        var (badRedirect, error3) = await ManageAsync(HttpMethod.Put, registered, registered.Token, new JsonObject
        {
            ["client_id"] = registered.ClientId,
            ["redirect_uris"] = new JsonArray("http://evil.example/callback"),
            ["token_endpoint_auth_method"] = "none",
        });

        Assert.Equal(HttpStatusCode.BadRequest, toConfidential.StatusCode);
        Assert.Equal("invalid_client_metadata", error1.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, otherId.StatusCode);
        Assert.Equal("invalid_client_metadata", error2.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, badRedirect.StatusCode);
        Assert.Equal("invalid_redirect_uri", error3.GetProperty("error").GetString());

        var (_, unchanged) = await ManageAsync(HttpMethod.Get, registered, registered.Token);
        Assert.Equal("none", unchanged.GetProperty("token_endpoint_auth_method").GetString());
        Assert.Equal(["http://127.0.0.1/callback"], Strings(unchanged, "redirect_uris"));
    }

    [Fact]
    public async Task A_deleted_client_can_neither_be_read_nor_authorize()
    {
        var registered = await RegisterPublicAsync("Short-lived");

        var (deleted, _) = await ManageAsync(HttpMethod.Delete, registered, registered.Token);
        var (read, _) = await ManageAsync(HttpMethod.Get, registered, registered.Token);
        var (authorizeStatus, location) = await AuthorizeAsync(registered.ClientId, "http://127.0.0.1:50003/callback");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, read.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, authorizeStatus);
        Assert.Null(location);
    }

    // ---- Loopback redirect URIs (RFC 8252 §7.3) ----

    [Theory]
    [InlineData("http://127.0.0.1/callback", "http://127.0.0.1:61234/callback")]
    [InlineData("http://127.0.0.1:33418/callback", "http://127.0.0.1:61235/callback")]
    [InlineData("http://localhost:6274/oauth/callback", "http://localhost:6275/oauth/callback")]
    [InlineData("http://[::1]/cb", "http://[::1]:61236/cb")]
    public async Task A_loopback_redirect_uri_on_another_port_is_accepted_at_authorize(string registeredUri, string requestedUri)
    {
        var clientId = await _oauth.RegisterPublicClientAsync("Loopback port test", registeredUri);

        var (status, location) = await AuthorizeAsync(clientId, requestedUri);

        Assert.Equal(HttpStatusCode.Redirect, status);
        Assert.StartsWith("/account/login", location, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_https_redirect_uri_must_match_exactly_port_included()
    {
        var clientId = await _oauth.RegisterPublicClientAsync("Exact https", "https://app.example.com/callback");

        var (exact, _) = await AuthorizeAsync(clientId, "https://app.example.com/callback");
        var (otherPort, location) = await AuthorizeAsync(clientId, "https://app.example.com:8443/callback");

        Assert.Equal(HttpStatusCode.Redirect, exact);
        Assert.Equal(HttpStatusCode.BadRequest, otherPort);
        Assert.Null(location);
    }

    // ---- Discovery ----

    [Theory]
    [InlineData("/.well-known/oauth-authorization-server/mcp")]
    [InlineData("/.well-known/openid-configuration/mcp")]
    public async Task Discovery_advertises_registration_metadata_documents_and_the_iss_parameter(string path)
    {
        using var http = fixture.CreateClient();
        using var document = JsonDocument.Parse(await http.GetStringAsync(new Uri(new Uri(fixture.McpResource), path)));
        var metadata = document.RootElement;

        Assert.Equal(new Uri(fixture.BaseAddress, "/register").AbsoluteUri, metadata.GetProperty("registration_endpoint").GetString());
        Assert.True(metadata.GetProperty("client_id_metadata_document_supported").GetBoolean());
        Assert.True(metadata.GetProperty("authorization_response_iss_parameter_supported").GetBoolean());
    }

    // ---- Client ID Metadata Documents ----

    [Fact]
    public async Task A_metadata_document_client_id_is_accepted_at_authorize_on_any_loopback_port()
    {
        var clientId = documents.NewClientId();

        var (first, firstLocation) = await AuthorizeAsync(clientId, "http://127.0.0.1:52001/callback");
        var (second, secondLocation) = await AuthorizeAsync(clientId, "http://127.0.0.1:52002/callback");

        Assert.Equal(HttpStatusCode.Redirect, first);
        Assert.StartsWith("/account/login", firstLocation, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, second);
        Assert.StartsWith("/account/login", secondLocation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_metadata_document_binds_the_redirect_uri()
    {
        var clientId = documents.NewClientId();

        var (status, location) = await AuthorizeAsync(clientId, "https://attacker.example/callback");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Null(location);
    }

    [Fact]
    public async Task A_metadata_document_whose_client_id_is_not_its_url_is_refused_without_redirect()
    {
        var (status, location, page) = await AuthorizeWithPageAsync(documents.ImpostorClientId(), "http://127.0.0.1:52003/callback");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Null(location);
        Assert.Contains("invalid_request", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_metadata_document_is_refused_without_redirect()
    {
        var missing = new Uri(documents.BaseAddress, $"/missing/{Guid.NewGuid():N}.json").AbsoluteUri;

        var (status, location, page) = await AuthorizeWithPageAsync(missing, "http://127.0.0.1:52004/callback");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Null(location);
        Assert.Contains("invalid_request", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_metadata_document_client_signs_a_user_in_and_redeems_its_code()
    {
        var clientId = documents.NewClientId();
        var pkce = Pkce.Create();
        using var browser = fixture.CreateBrowserLikeClient();

        var callback = await OAuthFlows.SignInAndConsentAsync(browser, OAuthFlows.AuthorizeUrl(clientId, pkce, "cimd-state"),
            AuthServerFixture.AdminUserName, fixture.AdminPassword);
        var query = QueryHelpers.ParseQuery(callback.Query);
        var (redeemed, tokens) = await _oauth.RedeemCodeAsync(clientId, query["code"].ToString(), pkce.Verifier);

        Assert.Equal("127.0.0.1", callback.Host);
        Assert.Equal("cimd-state", query["state"].ToString());
        Assert.Equal(HttpStatusCode.OK, redeemed.StatusCode);
        Assert.False(string.IsNullOrEmpty(tokens.GetProperty("access_token").GetString()));
    }

    // ---- helpers ----

    /// <summary>The stored application's DynamoDB TTL (unix seconds), read straight from DynamoDB Local.</summary>
    private async Task<long?> StoredExpiryAsync(string clientId)
    {
        using var dynamoDb = fixture.CreateDynamoDbClient();
        var items = new List<Dictionary<string, AttributeValue>>();
        await foreach (var page in dynamoDb.Paginators.Scan(new ScanRequest
        {
            TableName = $"{DynamoDbLocalDefaults.DefaultTablePrefix}-oauth-applications",
            FilterExpression = "client_id = :clientId",
            ExpressionAttributeValues = new() { [":clientId"] = new AttributeValue { S = clientId } },
        }).Responses)
        {
            items.AddRange(page.Items ?? []);
        }

        var item = Assert.Single(items);
        return item.TryGetValue("ttl", out var ttl) && ttl.N is { } seconds ? long.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    private sealed record Registered(string ClientId, string Token);

    private async Task<Registered> RegisterPublicAsync(string name)
    {
        var (response, body) = await RegisterAsync(new JsonObject
        {
            ["client_name"] = name,
            ["redirect_uris"] = new JsonArray("http://127.0.0.1/callback"),
            ["grant_types"] = new JsonArray("authorization_code", "refresh_token"),
            ["token_endpoint_auth_method"] = "none",
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return new Registered(body.GetProperty("client_id").GetString()!, body.GetProperty("registration_access_token").GetString()!);
    }

    private Task<(HttpResponseMessage Response, JsonElement Body)> RegisterAsync(JsonObject metadata)
        => PostRawAsync("/register", JsonContent.Create(metadata));

    private async Task<(HttpResponseMessage Response, JsonElement Body)> PostRawAsync(string path, HttpContent content)
    {
        using var http = fixture.CreateClient();
        var response = await http.PostAsync(path, content);
        return (response, await BodyAsync(response));
    }

    private async Task<(HttpResponseMessage Response, JsonElement Body)> ManageAsync(HttpMethod method, Registered client, string? token, JsonObject? body = null)
    {
        using var http = fixture.CreateClient();
        using var request = new HttpRequestMessage(method, $"/register/{Uri.EscapeDataString(client.ClientId)}");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        var response = await http.SendAsync(request);
        return (response, await BodyAsync(response));
    }

    private async Task<(HttpStatusCode Status, string? Location)> AuthorizeAsync(string clientId, string redirectUri)
    {
        var (status, location, _) = await AuthorizeWithPageAsync(clientId, redirectUri);
        return (status, location);
    }

    private async Task<(HttpStatusCode Status, string? Location, string Page)> AuthorizeWithPageAsync(string clientId, string redirectUri)
    {
        using var http = fixture.CreateClient();
        using var response = await http.GetAsync(OAuthFlows.AuthorizeUrl(clientId, Pkce.Create(), "state-" + Guid.NewGuid().ToString("N"),
            scope: "mcp:read", redirectUri: redirectUri, resource: fixture.McpResource));
        var location = response.Headers.Location;
        return (response.StatusCode, location is null ? null : location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString,
            await response.Content.ReadAsStringAsync());
    }

    private static async Task<JsonElement> BodyAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return string.IsNullOrWhiteSpace(text) ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    private static string[] Strings(JsonElement element, string name)
        => [.. element.GetProperty(name).EnumerateArray().Select(item => item.GetString()!)];
}
