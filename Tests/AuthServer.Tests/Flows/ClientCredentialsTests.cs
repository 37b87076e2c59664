namespace McpAspire.AuthServer.Tests.Flows;

/// <summary>
/// A machine client the administrator created with <c>mcp:read</c> obtains, and has introspected and revoked,
/// tokens of its own (client credentials).
/// </summary>
public sealed class ClientCredentialsTests(AuthServerFixture fixture) : IAsyncLifetime
{
    private readonly OAuthFlows _oauth = new(fixture);
    private MachineClient _client = null!;

    public async ValueTask InitializeAsync() => _client = await _oauth.CreateMachineClientAsync("CI reader", "mcp:read");

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task A_confidential_client_obtains_an_opaque_bearer_token_that_is_not_cached()
    {
        var (response, body) = await _oauth.ClientCredentialsAsync(_client, scope: "mcp:read");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        Assert.Equal("mcp:read", body.GetProperty("scope").GetString());
        Assert.InRange(body.GetProperty("expires_in").GetInt32(), 3500, 3600);
        Assert.False(body.TryGetProperty("refresh_token", out _));
        // Opaque reference token: not a JWT (no dots), meaningless without introspection.
        Assert.DoesNotContain('.', body.GetProperty("access_token").GetString()!);
    }

    [Fact]
    public async Task Introspection_describes_an_active_token_with_the_mcp_resource_as_audience()
    {
        var (_, tokens) = await _oauth.ClientCredentialsAsync(_client, scope: "mcp:read", resource: fixture.McpResource);

        var (response, introspection) = await _oauth.IntrospectAsync(tokens.GetProperty("access_token").GetString()!);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(introspection.GetProperty("active").GetBoolean());
        Assert.Equal("mcp:read", introspection.GetProperty("scope").GetString());
        Assert.Equal(_client.ClientId, introspection.GetProperty("client_id").GetString());
        Assert.Equal(_client.ClientId, introspection.GetProperty("sub").GetString());
        Assert.Equal(fixture.Issuer, introspection.GetProperty("iss").GetString());
        Assert.Equal("Bearer", introspection.GetProperty("token_type").GetString());
        Assert.Contains(fixture.McpResource, Audiences(introspection));
        var issuedAt = introspection.GetProperty("iat").GetInt64();
        Assert.Equal(3600, introspection.GetProperty("exp").GetInt64() - issuedAt);
    }

    [Fact]
    public async Task A_token_requested_without_resource_gets_the_mcp_server_as_audience()
    {
        var (_, tokens) = await _oauth.ClientCredentialsAsync(_client);

        var (_, introspection) = await _oauth.IntrospectAsync(tokens.GetProperty("access_token").GetString()!);

        Assert.Contains(fixture.McpResource, Audiences(introspection));
        Assert.Equal("mcp:read", introspection.GetProperty("scope").GetString());
    }

    [Fact]
    public async Task A_revoked_token_is_inactive_at_the_next_introspection()
    {
        var (_, tokens) = await _oauth.ClientCredentialsAsync(_client, scope: "mcp:read");
        var token = tokens.GetProperty("access_token").GetString()!;

        var (revocation, _) = await _oauth.RevokeAsync(_client, token);
        var (_, introspection) = await _oauth.IntrospectAsync(token);

        Assert.Equal(HttpStatusCode.OK, revocation.StatusCode);
        Assert.False(introspection.GetProperty("active").GetBoolean());
        Assert.Single(introspection.EnumerateObject());
    }

    [Fact]
    public async Task An_unknown_token_is_inactive()
    {
        var (response, introspection) = await _oauth.IntrospectAsync("not-a-token-" + DistributedApplicationTestFactory.RandomSecret());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(introspection.GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task A_wrong_client_secret_is_invalid_client()
    {
        var (response, body) = await _oauth.ClientCredentialsAsync(_client, scope: "mcp:read", secret: DistributedApplicationTestFactory.RandomSecret());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_client", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_resource_the_server_does_not_know_is_invalid_target()
    {
        var (response, body) = await _oauth.ClientCredentialsAsync(_client, scope: "mcp:read", resource: "https://elsewhere.example/mcp");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_target", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_scope_the_administrator_did_not_grant_is_refused()
    {
        var (response, body) = await _oauth.ClientCredentialsAsync(_client, scope: "mcp:write");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task An_unknown_scope_is_invalid_scope()
    {
        var (response, body) = await _oauth.ClientCredentialsAsync(_client, scope: "jenkins:admin");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_scope", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task An_unsupported_grant_type_is_refused()
    {
        var (response, body) = await _oauth.PostAsync("/token", OAuthFlows.Form(
            ("grant_type", "password"), ("username", "admin"), ("password", "x"), ("client_id", AuthServerFixture.IntrospectionClientId)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("unsupported_grant_type", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Introspection_without_client_authentication_is_refused()
    {
        var (_, tokens) = await _oauth.ClientCredentialsAsync(_client, scope: "mcp:read");

        var (response, body) = await _oauth.PostAsync("/introspect", OAuthFlows.Form(("token", tokens.GetProperty("access_token").GetString()!)));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_client", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Introspection_with_a_wrong_secret_is_invalid_client()
    {
        var (_, tokens) = await _oauth.ClientCredentialsAsync(_client, scope: "mcp:read");

        var (response, body) = await _oauth.IntrospectAsync(
            tokens.GetProperty("access_token").GetString()!, secret: DistributedApplicationTestFactory.RandomSecret());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_client", body.GetProperty("error").GetString());
    }

    internal static string[] Audiences(JsonElement introspection) =>
        introspection.GetProperty("aud") is { ValueKind: JsonValueKind.Array } array
            ? [.. array.EnumerateArray().Select(value => value.GetString()!)]
            : [introspection.GetProperty("aud").GetString()!];
}
