using System.Collections.Concurrent;
using System.Net;
using System.Security.Claims;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using McpAspire.AuthServer.ClientAuthentication;
using McpAspire.AuthServer.Persistence;
using McpAspire.AuthServer.Persistence.Infrastructure;
using McpAspire.AuthServer.Persistence.Keys;
using McpAspire.AuthServer.Persistence.OpenIddict;
using McpAspire.AuthServer.Tokens;
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
    private static readonly string[] TokenThenAuthorization = ["GetItem", "GetItem"];
    private static readonly string[] Rotation = ["GetItem", "GetItem", "TransactWriteItems", "TransactWriteItems", "TransactWriteItems"];
    private readonly ConcurrentQueue<string> _calls = new();
    private WebApplication _app = null!;
    private AmazonDynamoDBClient _client = null!;
    private DynamoDbTableNames Tables => _app.Services.GetRequiredService<DynamoDbTableNames>();

    public async Task InitializeAsync()
    {
        await dynamoDb.ProvisionAsync(_prefix);
        var client = DynamoDbLocalFixture.CreateClient(dynamoDb.ServiceUrl);
        _client = client;
        client.BeforeRequestEvent += (_, e) =>
        {
            if (e is WebServiceRequestEventArgs request)
            {
                _calls.Enqueue(request.Request.GetType().Name.Replace("Request", "", StringComparison.Ordinal));
                if (request.Request is Amazon.DynamoDBv2.Model.TransactWriteItemsRequest transaction)
                {
                    // What each transaction wrote, in the test output (never values: table and kind of each action).
                    output.WriteLine("  TransactWriteItems: " + string.Join(", ", transaction.TransactItems.Select(item =>
                        item.Put is { } put ? "Put " + put.TableName : item.Update is { } update ? "Update " + update.TableName
                        : item.ConditionCheck is { } check ? "ConditionCheck " + check.TableName : "Delete " + item.Delete?.TableName)));
                }
            }
        };

        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Configuration["DynamoDb:TablePrefix"] = _prefix;
        builder.Configuration["DataProtection:KeyEncryptionKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        builder.Services.AddSingleton<IAmazonDynamoDB>(client);
        builder.AddDynamoDbPersistence();
        builder.Services.AddOpenIddict()
            // As the auth server configures them (AuthorizationServerExtensions).
            .AddCore(core => core.UseDynamoDb().RememberVerifiedClientSecrets().RevokeTokenFamiliesThroughTheirAuthorization())
            .AddServer(server =>
            {
                server.SetTokenEndpointUris("connect/token").SetIntrospectionEndpointUris("connect/introspect");
                server.AllowPasswordFlow().AllowRefreshTokenFlow();
                server.UseReferenceAccessTokens().UseReferenceRefreshTokens().SetRefreshTokenReuseLeeway(TimeSpan.Zero);
                server.UseDynamoDbKeys();
                server.CheckAndWriteTokensInOneCall();
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
        // Introspection = two GetItems: the token by reference id, then its authorization (OpenIddict's
        // ValidateAuthorizationEntry, kept so that a revoked authorization ends its tokens whatever happens after its
        // status change); the caller's application was read by the token request just before and is reused, its
        // secret not derived again.
        Assert.Equal(TokenThenAuthorization, introspection.Calls);
        // Redemption = the refresh token by reference id, its authorization, the conditional redeem (which also takes it out of its
        // authorization's live set), then one conditional transaction per new token (access, refresh): the token, its
        // reference copy, its authorization checked valid (TTL raised, token added to its live set).
        Assert.Equal(Rotation, redemption.Calls);
    }

    [Fact]
    public async Task Issuing_a_token_is_one_conditional_transaction_and_no_read_of_token_references()
    {
        await IssueAccessTokenAsync(); // the first request also creates keys and reads the client
        var issued = await MeasureAsync("/connect/token", new()
        {
            ["grant_type"] = GrantTypes.Password, ["username"] = "hot-path-user", ["password"] = "unused",
        });

        Assert.Single(issued.Calls, call => call is "TransactWriteItems");
        Assert.DoesNotContain("GetItem", issued.Calls);
        Assert.DoesNotContain("UpdateItem", issued.Calls);
    }

    [Fact]
    public async Task Revoking_an_authorization_makes_its_tokens_inactive_at_once()
    {
        var issued = await MeasureAsync("/connect/token", new()
        {
            ["grant_type"] = GrantTypes.Password, ["username"] = "hot-path-user", ["password"] = "unused", ["scope"] = Scopes.OfflineAccess,
        });
        var accessToken = issued.Body.GetProperty("access_token").GetString()!;
        var refreshToken = issued.Body.GetProperty("refresh_token").GetString()!;
        var before = await MeasureAsync("/connect/introspect", new() { ["token"] = accessToken });
        Assert.True(before.Body.GetProperty("active").GetBoolean());
        Assert.Equal(TokenThenAuthorization, before.Calls);

        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var tokens = scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();
            var authorizations = scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>();
            var token = await tokens.FindByReferenceIdAsync(accessToken) ?? throw new InvalidOperationException("The token is not stored.");
            var authorization = await authorizations.FindByIdAsync((await tokens.GetAuthorizationIdAsync(token))!)
                ?? throw new InvalidOperationException("The token has no authorization.");
            Assert.True(await authorizations.TryRevokeAsync(authorization));
        }

        var after = await MeasureAsync("/connect/introspect", new() { ["token"] = accessToken });
        Assert.False(after.Body.GetProperty("active").GetBoolean());

        var refresh = await SendAsync("/connect/token", new() { ["grant_type"] = GrantTypes.RefreshToken, ["refresh_token"] = refreshToken });
        Assert.Equal(HttpStatusCode.BadRequest, refresh.Status);
        Assert.Equal(Errors.InvalidGrant, refresh.Body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_revocation_whose_caller_hangs_up_once_the_authorization_is_marked_still_revokes_its_tokens()
    {
        var issued = await MeasureAsync("/connect/token", new()
        {
            ["grant_type"] = GrantTypes.Password, ["username"] = "hot-path-user", ["password"] = "unused", ["scope"] = Scopes.OfflineAccess,
        });
        var accessToken = issued.Body.GetProperty("access_token").GetString()!;

        // The caller's cancellation fires as soon as DynamoDB has answered the status change, as when a client hangs up
        // between the two steps of a revocation.
        using var hangUp = new CancellationTokenSource();
        void CancelAfterStatusChange(object? sender, ResponseEventArgs e)
        {
            if (e is WebServiceResponseEventArgs { Response: Amazon.DynamoDBv2.Model.UpdateItemResponse })
            {
                hangUp.Cancel();
            }
        }

        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var tokens = scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();
            var authorizations = scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>();
            var token = await tokens.FindByReferenceIdAsync(accessToken) ?? throw new InvalidOperationException("The token is not stored.");
            var authorization = await authorizations.FindByIdAsync((await tokens.GetAuthorizationIdAsync(token))!)
                ?? throw new InvalidOperationException("The token has no authorization.");
            _client.AfterResponseEvent += CancelAfterStatusChange;
            try
            {
                Assert.True(await authorizations.TryRevokeAsync(authorization, hangUp.Token));
            }
            finally
            {
                _client.AfterResponseEvent -= CancelAfterStatusChange;
            }
        }

        Assert.True(hangUp.IsCancellationRequested);
        var after = await MeasureAsync("/connect/introspect", new() { ["token"] = accessToken });
        Assert.False(after.Body.GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task Replaying_a_redeemed_refresh_token_revokes_the_access_token_its_rotation_issued()
    {
        var issued = await MeasureAsync("/connect/token", new()
        {
            ["grant_type"] = GrantTypes.Password, ["username"] = "hot-path-user", ["password"] = "unused", ["scope"] = Scopes.OfflineAccess,
        });
        var refreshToken = issued.Body.GetProperty("refresh_token").GetString()!;
        var rotated = await MeasureAsync("/connect/token", new() { ["grant_type"] = GrantTypes.RefreshToken, ["refresh_token"] = refreshToken });
        var newAccessToken = rotated.Body.GetProperty("access_token").GetString()!;
        Assert.True((await MeasureAsync("/connect/introspect", new() { ["token"] = newAccessToken })).Body.GetProperty("active").GetBoolean());

        // Past the reuse leeway (this server has none): OpenIddict revokes the family.
        var replay = await SendAsync("/connect/token", new() { ["grant_type"] = GrantTypes.RefreshToken, ["refresh_token"] = refreshToken });
        Assert.Equal(HttpStatusCode.BadRequest, replay.Status);

        var after = await MeasureAsync("/connect/introspect", new() { ["token"] = newAccessToken });
        Assert.False(after.Body.GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task A_token_written_before_authorization_tracking_is_checked_against_its_authorization()
    {
        var accessToken = await IssueAccessTokenWithAuthorizationAsync();
        string authorizationId;
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var tokens = scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();
            var token = (DynamoDbToken)(await tokens.FindByReferenceIdAsync(accessToken) ?? throw new InvalidOperationException("The token is not stored."));
            authorizationId = token.AuthorizationId!;

            // As an item written by the previous version: no tracking flag on the token or its reference copy.
            foreach (var (table, key) in new[] { (Tables.Tokens, ("id", token.Id)), (Tables.TokenReferences, ("reference_id", token.ReferenceId!)) })
            {
                await _client.UpdateItemAsync(new Amazon.DynamoDBv2.Model.UpdateItemRequest
                {
                    TableName = table,
                    Key = new() { [key.Item1] = new Amazon.DynamoDBv2.Model.AttributeValue { S = key.Item2 } },
                    UpdateExpression = "REMOVE authorization_tracked",
                });
            }
        }

        var before = await MeasureAsync("/connect/introspect", new() { ["token"] = accessToken });
        Assert.True(before.Body.GetProperty("active").GetBoolean());
        Assert.Equal(TokenThenAuthorization, before.Calls);

        // Revoked the way an index-found token is not: only the authorization item changes.
        await _client.UpdateItemAsync(new Amazon.DynamoDBv2.Model.UpdateItemRequest
        {
            TableName = Tables.Authorizations,
            Key = new() { ["id"] = new Amazon.DynamoDBv2.Model.AttributeValue { S = authorizationId } },
            UpdateExpression = "SET #status = :revoked",
            ExpressionAttributeNames = new() { ["#status"] = "status" },
            ExpressionAttributeValues = new() { [":revoked"] = new Amazon.DynamoDBv2.Model.AttributeValue { S = Statuses.Revoked } },
        });

        var after = await MeasureAsync("/connect/introspect", new() { ["token"] = accessToken });
        Assert.False(after.Body.GetProperty("active").GetBoolean());
    }

    private async Task<string> IssueAccessTokenWithAuthorizationAsync()
    {
        var issued = await MeasureAsync("/connect/token", new()
        {
            ["grant_type"] = GrantTypes.Password, ["username"] = "hot-path-user", ["password"] = "unused", ["scope"] = Scopes.OfflineAccess,
        });
        return issued.Body.GetProperty("access_token").GetString()!;
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
