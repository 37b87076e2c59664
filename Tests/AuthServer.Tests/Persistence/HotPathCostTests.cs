using System.Collections.Concurrent;
using System.Net;
using System.Security.Claims;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using McpAspire.AuthServer.ClientAuthentication;
using McpAspire.AuthServer.Persistence;
using McpAspire.AuthServer.Persistence.Keys;
using McpAspire.AuthServer.Persistence.OpenIddict;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using Xunit.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace McpAspire.AuthServer.Tests.Persistence;

/// <summary>
/// What the hot paths cost in DynamoDB calls, measured on a real OpenIddict server (reference access and
/// refresh tokens, as the auth server is configured) over the DynamoDB stores: every request the AWS SDK
/// sends is recorded. The bounds guard against a regression to scans or extra round trips.
/// </summary>
[Collection(DynamoDbLocalGroup.Name)]
public sealed class HotPathCostTests(DynamoDbLocalFixture dynamoDb, ITestOutputHelper output) : IAsyncLifetime
{
    private const string ClientId = "hot-path-client";
    private readonly string _prefix = TablePrefix.New("hotpath");
    private readonly string _clientSecret = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
    private readonly ConcurrentQueue<string> _calls = new();
    private WebApplication _app = null!;

    public async Task InitializeAsync()
    {
        await dynamoDb.ProvisionAsync(_prefix);
        var client = DynamoDbLocalFixture.CreateClient(dynamoDb.ServiceUrl);
        client.BeforeRequestEvent += (_, e) =>
        {
            if (e is WebServiceRequestEventArgs request)
            {
                _calls.Enqueue(request.Request.GetType().Name.Replace("Request", "", StringComparison.Ordinal));
            }
        };

        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Configuration["DynamoDb:TablePrefix"] = _prefix;
        builder.Configuration["DataProtection:KeyEncryptionKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        builder.Services.AddSingleton<IAmazonDynamoDB>(client);
        builder.AddDynamoDbPersistence();
        builder.Services.AddOpenIddict()
            .AddCore(core => core.UseDynamoDb().RememberVerifiedClientSecrets())
            .AddServer(server =>
            {
                server.SetTokenEndpointUris("connect/token").SetIntrospectionEndpointUris("connect/introspect");
                server.AllowPasswordFlow().AllowRefreshTokenFlow();
                server.UseReferenceAccessTokens().UseReferenceRefreshTokens();
                server.UseDynamoDbKeys();
                server.UseAspNetCore().EnableTokenEndpointPassthrough().DisableTransportSecurityRequirement();
            });

        _app = builder.Build();
        _app.MapPost("/connect/token", (Delegate)IssueAsync);
        await _app.StartAsync();

        await using var scope = _app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>().CreateAsync(new OpenIddictApplicationDescriptor
        {
            ClientId = ClientId,
            ClientSecret = _clientSecret,
            ClientType = ClientTypes.Confidential,
            Permissions =
            {
                Permissions.Endpoints.Token, Permissions.Endpoints.Introspection,
                Permissions.GrantTypes.Password, Permissions.GrantTypes.RefreshToken,
            },
        });
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static async Task<IResult> IssueAsync(HttpContext context)
    {
        var request = context.GetOpenIddictServerRequest()!;
        ClaimsPrincipal principal;
        if (request.IsRefreshTokenGrantType())
        {
            principal = (await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal!;
        }
        else
        {
            var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
            identity.SetClaim(Claims.Subject, request.Username);
            identity.SetScopes(request.GetScopes());
            identity.SetDestinations(_ => [Destinations.AccessToken]);
            principal = new ClaimsPrincipal(identity);
        }

        return Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private async Task<(JsonElement Body, string[] Calls)> MeasureAsync(string path, Dictionary<string, string> form, string? clientSecret = null)
    {
        var (status, body, calls) = await SendAsync(path, form, clientSecret);
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return (body, calls);
    }

    private async Task<(HttpStatusCode Status, JsonElement Body, string[] Calls)> SendAsync(string path, Dictionary<string, string> form, string? clientSecret = null)
    {
        using var client = _app.GetTestClient();
        _calls.Clear();
        form["client_id"] = ClientId;
        form["client_secret"] = clientSecret ?? _clientSecret;
        var response = await client.PostAsync(new Uri(path, UriKind.Relative), new FormUrlEncodedContent(form));
        var calls = _calls.ToArray();
        var text = await response.Content.ReadAsStringAsync();
        output.WriteLine($"{path} ({form.GetValueOrDefault("grant_type") ?? "introspection"}): {(int)response.StatusCode}, {calls.Length} DynamoDB calls: {string.Join(", ", calls)}");
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone(), calls);
    }

    private async Task<string> IssueAccessTokenAsync()
    {
        var issued = await MeasureAsync("/connect/token", new()
        {
            ["grant_type"] = GrantTypes.Password, ["username"] = "hot-path-user", ["password"] = "unused",
        });
        return issued.Body.GetProperty("access_token").GetString()!;
    }

    [Fact]
    public async Task Introspection_and_refresh_token_redemption_take_a_few_key_lookups_and_never_a_scan()
    {
        var issued = await MeasureAsync("/connect/token", new()
        {
            ["grant_type"] = GrantTypes.Password, ["username"] = "hot-path-user", ["password"] = "unused", ["scope"] = Scopes.OfflineAccess,
        });
        var accessToken = issued.Body.GetProperty("access_token").GetString()!;
        var refreshToken = issued.Body.GetProperty("refresh_token").GetString()!;

        var introspection = await MeasureAsync("/connect/introspect", new() { ["token"] = accessToken });
        Assert.True(introspection.Body.GetProperty("active").GetBoolean());

        var redemption = await MeasureAsync("/connect/token", new() { ["grant_type"] = GrantTypes.RefreshToken, ["refresh_token"] = refreshToken });
        Assert.NotEqual(refreshToken, redemption.Body.GetProperty("refresh_token").GetString());

        Assert.All(new[] { issued.Calls, introspection.Calls, redemption.Calls }.SelectMany(calls => calls), call => Assert.NotEqual("Scan", call));
        // Measured: introspection = GetItem (token by reference id) + GetItem (its authorization); the caller's
        // application was read by the token request just before and is reused, its secret not derived again.
        // Redemption = 3 reads, the conditional redeem, then per new token
        // (access, refresh): authorization TTL raise, create, OpenIddict's check that the new
        // reference id is unused, payload + reference copy.
        Assert.Equal(["GetItem", "GetItem"], introspection.Calls);
        Assert.InRange(redemption.Calls.Length, 1, 12);
    }

    [Fact]
    public async Task A_token_revoked_after_being_introspected_is_inactive_on_the_next_introspection()
    {
        var accessToken = await IssueAccessTokenAsync();
        Assert.True((await MeasureAsync("/connect/introspect", new() { ["token"] = accessToken })).Body.GetProperty("active").GetBoolean());

        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var tokens = scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();
            var token = await tokens.FindByReferenceIdAsync(accessToken) ?? throw new InvalidOperationException("The token is not stored.");
            Assert.True(await tokens.TryRevokeAsync(token));
        }

        var after = await MeasureAsync("/connect/introspect", new() { ["token"] = accessToken });
        Assert.False(after.Body.GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task A_rotated_client_secret_stops_working_at_once_and_the_new_one_works()
    {
        var accessToken = await IssueAccessTokenAsync();
        Assert.True((await MeasureAsync("/connect/introspect", new() { ["token"] = accessToken })).Body.GetProperty("active").GetBoolean());

        var newSecret = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
            var application = await applications.FindByClientIdAsync(ClientId) ?? throw new InvalidOperationException("No client.");
            var descriptor = new OpenIddictApplicationDescriptor();
            await applications.PopulateAsync(descriptor, application);
            descriptor.ClientSecret = newSecret;
            await applications.UpdateAsync(application, descriptor);
        }

        var withOldSecret = await SendAsync("/connect/introspect", new() { ["token"] = accessToken });
        Assert.Equal(HttpStatusCode.Unauthorized, withOldSecret.Status);
        Assert.Equal(Errors.InvalidClient, withOldSecret.Body.GetProperty("error").GetString());

        var withNewSecret = await MeasureAsync("/connect/introspect", new() { ["token"] = accessToken }, newSecret);
        Assert.True(withNewSecret.Body.GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task Only_a_secret_that_verified_is_remembered()
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        var verified = scope.ServiceProvider.GetRequiredService<VerifiedClientSecrets>();
        var application = await applications.FindByClientIdAsync(ClientId) ?? throw new InvalidOperationException("No client.");
        var storedHash = ((DynamoDbApplication)application).ClientSecret!;

        Assert.False(await applications.ValidateClientSecretAsync(application, "wrong-secret"));
        Assert.False(verified.Contains(storedHash, "wrong-secret"));

        Assert.True(await applications.ValidateClientSecretAsync(application, _clientSecret));
        Assert.True(verified.Contains(storedHash, _clientSecret));
    }
}
