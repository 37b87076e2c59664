using System.Collections.Concurrent;
using System.Net;
using System.Security.Claims;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using McpAspire.AuthServer.Persistence;
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
        builder.Services.AddSingleton<IAmazonDynamoDB>(client);
        builder.AddDynamoDbPersistence();
        builder.Services.AddOpenIddict()
            .AddCore(core => core.UseDynamoDb())
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

    private async Task<(JsonElement Body, string[] Calls)> MeasureAsync(string path, Dictionary<string, string> form)
    {
        using var client = _app.GetTestClient();
        _calls.Clear();
        form["client_id"] = ClientId;
        form["client_secret"] = _clientSecret;
        var response = await client.PostAsync(new Uri(path, UriKind.Relative), new FormUrlEncodedContent(form));
        var calls = _calls.ToArray();
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        output.WriteLine($"{path} ({form.GetValueOrDefault("grant_type") ?? "introspection"}): {calls.Length} DynamoDB calls: {string.Join(", ", calls)}");
        return (JsonDocument.Parse(text).RootElement.Clone(), calls);
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
        // Measured: introspection = Query (caller's client id) + GetItem (token by reference id) + GetItem
        // (its authorization); redemption = 3 reads, the conditional redeem, then per new token
        // (access, refresh): authorization TTL raise, create, OpenIddict's re-read, payload + reference copy.
        Assert.Equal(["Query", "GetItem", "GetItem"], introspection.Calls);
        Assert.InRange(redemption.Calls.Length, 1, 13);
    }
}
