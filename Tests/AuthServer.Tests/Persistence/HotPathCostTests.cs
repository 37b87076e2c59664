using System.Collections.Concurrent;
using System.Security.Claims;
using Amazon.Runtime;
using McpAspire.AuthServer.ClientAuthentication;
using McpAspire.AuthServer.Persistence.Keys;
using McpAspire.AuthServer.Tokens;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace McpAspire.AuthServer.Tests.Persistence;

/// <summary>
/// What the hot paths cost in DynamoDB calls, measured on a real OpenIddict server (reference access and
/// refresh tokens, as the auth server is configured) over the DynamoDB stores: every request the AWS SDK
/// sends is recorded. The bounds guard against a regression to scans or extra round trips.
/// </summary>
public sealed class HotPathCostTests(DynamoDbLocalFixture dynamoDb, ITestOutputHelper output) : IAsyncLifetime, IClassFixture<DynamoDbLocalFixture>
{
    // One table set for the class (creating tables and key rings for each test made it the slowest persistence class);
    // the key ring's key-encryption key goes with the tables (as replicas share it), and each test has a client of its
    // own and a user of its own, so no test sees another's data.
    private static readonly string ClassPrefix = TablePrefix.New("hotpath");
    private static readonly string ClassKeyEncryptionKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
    private readonly string _clientId = "hot-path-client-" + Guid.NewGuid().ToString("N");
    // The user the tokens are issued to, also one per test: a bulk revocation by subject must find this test's
    // authorizations only, not a valid one another test of the class left on the shared tables.
    private readonly string _user = "hot-path-user-" + Guid.NewGuid().ToString("N");
    private readonly string _clientSecret = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
    private static readonly string[] OneRead = ["GetItem"];
    private static readonly string[] TokenThenAuthorization = ["GetItem", "GetItem"];
    private static readonly string[] Rotation = ["GetItem", "TransactWriteItems", "TransactWriteItems", "TransactWriteItems"];
    // Revoking an authorization (its entity already read): the live set's tokens read by key, written revoked (token and
    // reference copy), then the status changed on condition that the set is the one revoked.
    private static readonly string[] Revocation = ["BatchGetItem", "BatchWriteItem", "UpdateItem"];
    private static readonly string[] RevocationInTwoRounds = [.. Revocation, .. Revocation];
    private readonly ConcurrentQueue<string> _calls = new();
    private WebApplication _app = null!;
    private AmazonDynamoDBClient _client = null!;
    private DynamoDbTableNames Tables => _app.Services.GetRequiredService<DynamoDbTableNames>();

    public async ValueTask InitializeAsync()
    {
        await dynamoDb.ProvisionAsync(ClassPrefix);
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

        _app = BuildServer();
        await _app.StartAsync();

        await using var scope = _app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>().CreateAsync(new OpenIddictApplicationDescriptor
        {
            ClientId = _clientId,
            ClientSecret = _clientSecret,
            ClientType = ClientTypes.Confidential,
            Permissions =
            {
                Permissions.Endpoints.Token, Permissions.Endpoints.Introspection,
                Permissions.GrantTypes.Password, Permissions.GrantTypes.RefreshToken,
            },
        });
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    /// <summary>
    /// An OpenIddict server over the class's tables and key ring, configured as the auth server is; with
    /// <paramref name="rsaKeysOnly"/>, as the release before the symmetric keys was (its tokens signed and encrypted
    /// with the RSA keys).
    /// </summary>
    private WebApplication BuildServer(bool rsaKeysOnly = false)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Configuration["DynamoDb:TablePrefix"] = ClassPrefix;
        builder.Configuration["DataProtection:KeyEncryptionKey"] = ClassKeyEncryptionKey;
        builder.Services.AddSingleton<IAmazonDynamoDB>(_client);
        builder.AddDynamoDbPersistence();
        builder.Services.AddOpenIddict()
            // As the auth server configures them (AuthorizationServerExtensions).
            .AddCore(core => core.UseDynamoDb().RememberVerifiedClientSecrets().RevokeTokenFamiliesThroughTheirAuthorization())
            .AddServer(server =>
            {
                server.SetTokenEndpointUris("connect/token").SetIntrospectionEndpointUris("connect/introspect");
                server.AllowPasswordFlow().AllowRefreshTokenFlow();
                server.UseReferenceAccessTokens().UseReferenceRefreshTokens().DisableAccessTokenEncryption().SetRefreshTokenReuseLeeway(TimeSpan.Zero);
                server.UseDynamoDbKeys();
                server.CheckAndWriteTokensInOneCall();
                server.UseAspNetCore().EnableTokenEndpointPassthrough().DisableTransportSecurityRequirement();
            });

        if (rsaKeysOnly)
        {
            builder.Services.PostConfigure<OpenIddict.Server.OpenIddictServerOptions>(options =>
            {
                options.SigningCredentials.RemoveAll(credentials => credentials.Key is SymmetricSecurityKey);
                options.EncryptionCredentials.RemoveAll(credentials => credentials.Key is SymmetricSecurityKey);
            });
        }

        var app = builder.Build();
        app.MapPost("/connect/token", (Delegate)IssueAsync);
        return app;
    }

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

    private async Task<(HttpStatusCode Status, JsonElement Body, string[] Calls)> SendAsync(string path, Dictionary<string, string> form, string? clientSecret = null, WebApplication? server = null)
    {
        using var client = (server ?? _app).GetTestClient();
        _calls.Clear();
        form["client_id"] = _clientId;
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
            ["grant_type"] = GrantTypes.Password, ["username"] = _user, ["password"] = "unused",
        });
        return issued.Body.GetProperty("access_token").GetString()!;
    }

    [Fact]
    public async Task Tokens_are_signed_and_encrypted_with_symmetric_keys_so_no_request_does_an_RSA_operation()
    {
        var (accessToken, refreshToken, _) = await IssueOfflineTokensAsync();

        // The stored payloads: a signed JWT for the access token (unencrypted, as in the auth server), an encrypted one
        // for the refresh token. Their headers name the algorithm and the key: HMAC and AES key wrap, never the RSA keys.
        foreach (var (reference, algorithm, keyPrefix) in new[] { (accessToken, "HS256", "hs-"), (refreshToken, "A256KW", "kw-") })
        {
            var header = await StoredPayloadHeaderAsync(reference);
            Assert.Equal(algorithm, header.GetProperty("alg").GetString());
            Assert.StartsWith(keyPrefix, header.GetProperty("kid").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Tokens_issued_before_the_symmetric_keys_existed_still_introspect_and_refresh()
    {
        await using var previous = BuildServer(rsaKeysOnly: true);
        await previous.StartAsync();
        var (status, issued, _) = await SendAsync("/connect/token", new()
        {
            ["grant_type"] = GrantTypes.Password, ["username"] = _user, ["password"] = "unused", ["scope"] = Scopes.OfflineAccess,
        }, server: previous);
        Assert.Equal(HttpStatusCode.OK, status);
        var accessToken = issued.GetProperty("access_token").GetString()!;

        Assert.Equal("RS256", (await StoredPayloadHeaderAsync(accessToken)).GetProperty("alg").GetString());

        // This release reads them with the RSA keys it still holds: no live token is lost to the upgrade.
        var introspection = await MeasureAsync("/connect/introspect", new() { ["token"] = accessToken });
        Assert.True(introspection.Body.GetProperty("active").GetBoolean());
        var rotated = await MeasureAsync("/connect/token", new()
        {
            ["grant_type"] = GrantTypes.RefreshToken, ["refresh_token"] = issued.GetProperty("refresh_token").GetString()!,
        });
        Assert.False(string.IsNullOrEmpty(rotated.Body.GetProperty("access_token").GetString()));
    }

    [Fact]
    public async Task Introspection_and_refresh_token_redemption_take_a_few_key_lookups_and_never_a_scan()
    {
        var (accessToken, refreshToken, issuedCalls) = await IssueOfflineTokensAsync();

        var introspection = await MeasureAsync("/connect/introspect", new() { ["token"] = accessToken });
        Assert.True(introspection.Body.GetProperty("active").GetBoolean());

        var redemption = await MeasureAsync("/connect/token", new() { ["grant_type"] = GrantTypes.RefreshToken, ["refresh_token"] = refreshToken });
        Assert.NotEqual(refreshToken, redemption.Body.GetProperty("refresh_token").GetString());

        Assert.All(new[] { issuedCalls, introspection.Calls, redemption.Calls }.SelectMany(calls => calls), call => Assert.NotEqual("Scan", call));
        // Introspection = one GetItem: the token by reference id, whose item answers for its authorization (revoking the
        // authorization revokes its live set before the status changes: TokenFamily); the caller's application was read
        // by the token request just before and is reused, its secret not derived again.
        Assert.Equal(OneRead, introspection.Calls);
        // Redemption = the refresh token by reference id, the conditional redeem (which also takes it out of its
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
            ["grant_type"] = GrantTypes.Password, ["username"] = _user, ["password"] = "unused",
        });

        Assert.Single(issued.Calls, call => call is "TransactWriteItems");
        Assert.DoesNotContain("GetItem", issued.Calls);
        Assert.DoesNotContain("UpdateItem", issued.Calls);
    }

    [Fact]
    public async Task Revoking_an_authorization_makes_its_tokens_inactive_at_once()
    {
        var (accessToken, refreshToken, _) = await IssueOfflineTokensAsync();
        var before = await MeasureAsync("/connect/introspect", new() { ["token"] = accessToken });
        Assert.True(before.Body.GetProperty("active").GetBoolean());
        Assert.Equal(OneRead, before.Calls);

        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var authorizations = scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>();
            var authorization = await FindAuthorizationAsync(scope, accessToken);
            _calls.Clear();
            Assert.True(await authorizations.TryRevokeAsync(authorization));
            Assert.Equal(Revocation, _calls.ToArray());
        }

        var after = await MeasureAsync("/connect/introspect", new() { ["token"] = accessToken });
        Assert.False(after.Body.GetProperty("active").GetBoolean());
        Assert.Equal(OneRead, after.Calls);

        var refresh = await SendAsync("/connect/token", new() { ["grant_type"] = GrantTypes.RefreshToken, ["refresh_token"] = refreshToken });
        Assert.Equal(HttpStatusCode.BadRequest, refresh.Status);
        Assert.Equal(Errors.InvalidGrant, refresh.Body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_revocation_whose_caller_hangs_up_between_its_steps_still_revokes_the_authorization_and_its_tokens()
    {
        var (accessToken, _, _) = await IssueOfflineTokensAsync();

        // The caller's cancellation fires as soon as DynamoDB has answered the tokens' revocation, as when a client hangs
        // up between the two steps of a revocation: the status change still follows.
        using var hangUp = new CancellationTokenSource();
        void CancelAfterTokensRevoked(object? sender, ResponseEventArgs e)
        {
            if (e is WebServiceResponseEventArgs { Response: Amazon.DynamoDBv2.Model.BatchWriteItemResponse })
            {
                hangUp.Cancel();
            }
        }

        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var authorizations = scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>();
            var authorization = await FindAuthorizationAsync(scope, accessToken);
            _client.AfterResponseEvent += CancelAfterTokensRevoked;
            try
            {
                Assert.True(await authorizations.TryRevokeAsync(authorization, hangUp.Token));
            }
            finally
            {
                _client.AfterResponseEvent -= CancelAfterTokensRevoked;
            }
        }

        Assert.True(hangUp.IsCancellationRequested);
        Assert.Equal(Statuses.Revoked, await StoredAuthorizationStatusAsync(accessToken));
        var after = await MeasureAsync("/connect/introspect", new() { ["token"] = accessToken });
        Assert.False(after.Body.GetProperty("active").GetBoolean());
    }

    /// <summary>The process stopping (or a write throttled past the SDK's retries) at one step of a revocation.</summary>
    private const string SimulatedCrash = "A simulated crash between two steps of a revocation.";

    [Theory]
    [InlineData("BatchWriteItem")] // before any token is revoked
    [InlineData("UpdateItem")] // after the tokens, before the status change
    public async Task A_revocation_stopped_at_any_step_leaves_the_authorization_valid_and_a_retry_revokes_every_token(string failingCall)
    {
        var (accessToken, refreshToken, _) = await IssueOfflineTokensAsync();

        void Crash(object? sender, RequestEventArgs e)
        {
            if (e is WebServiceRequestEventArgs request && request.Request.GetType().Name == failingCall + "Request")
            {
                throw new InvalidOperationException(SimulatedCrash);
            }
        }

        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var authorizations = scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>();
            var authorization = await FindAuthorizationAsync(scope, accessToken);
            _client.BeforeRequestEvent += Crash;
            try
            {
                // OpenIddict's manager reports a failed revocation as false (or lets the exception through).
                var revoked = await Record.ExceptionAsync(async () => Assert.False(await authorizations.TryRevokeAsync(authorization)));
                Assert.True(revoked is null || revoked.Message == SimulatedCrash, revoked?.ToString());
            }
            finally
            {
                _client.BeforeRequestEvent -= Crash;
            }

            // Nothing claims a revocation that did not happen: the authorization is still valid, so a retry is not a no-op.
            Assert.Equal(Statuses.Valid, await StoredAuthorizationStatusAsync(accessToken));
            var between = await MeasureAsync("/connect/introspect", new() { ["token"] = accessToken });
            Assert.Equal(failingCall == "BatchWriteItem", between.Body.GetProperty("active").GetBoolean());
            Assert.Equal(OneRead, between.Calls);

            // The retry, with the very entity the failed attempt used (the store put its status back).
            Assert.True(await authorizations.TryRevokeAsync(authorization));
        }

        Assert.Equal(Statuses.Revoked, await StoredAuthorizationStatusAsync(accessToken));
        Assert.False((await MeasureAsync("/connect/introspect", new() { ["token"] = accessToken })).Body.GetProperty("active").GetBoolean());
        var refresh = await SendAsync("/connect/token", new() { ["grant_type"] = GrantTypes.RefreshToken, ["refresh_token"] = refreshToken });
        Assert.Equal(Errors.InvalidGrant, refresh.Body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_refresh_rotation_between_the_tokens_revocation_and_the_status_change_is_caught_by_the_next_round()
    {
        var (accessToken, refreshToken, _) = await IssueOfflineTokensAsync();

        // Just before the revocation writes the tokens it read, the client rotates its refresh token: the redemption
        // commits (the token's concurrency token is still the one it read) and two new tokens join the live set.
        JsonElement? rotated = null;
        var calls = new List<string>();
        void RotateFirst(object? sender, RequestEventArgs e)
        {
            if (e is WebServiceRequestEventArgs request)
            {
                calls.Add(request.Request.GetType().Name.Replace("Request", "", StringComparison.Ordinal));
                if (request.Request is Amazon.DynamoDBv2.Model.BatchWriteItemRequest && rotated is null)
                {
                    _client.BeforeRequestEvent -= RotateFirst;
                    rotated = Task.Run(() => MeasureAsync("/connect/token", new()
                    {
                        ["grant_type"] = GrantTypes.RefreshToken, ["refresh_token"] = refreshToken,
                    })).GetAwaiter().GetResult().Body;
                    _client.BeforeRequestEvent += RotateFirst;
                }
            }
        }

        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var authorizations = scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>();
            var authorization = await FindAuthorizationAsync(scope, accessToken);
            _client.BeforeRequestEvent += RotateFirst;
            try
            {
                Assert.True(await authorizations.TryRevokeAsync(authorization));
            }
            finally
            {
                _client.BeforeRequestEvent -= RotateFirst;
            }
        }

        Assert.NotNull(rotated);
        // The first status change fails its condition (the set changed); the second round revokes the new tokens first.
        Assert.Equal(RevocationInTwoRounds, calls);
        Assert.Equal(Statuses.Revoked, await StoredAuthorizationStatusAsync(accessToken));
        foreach (var token in new[] { accessToken, rotated.Value.GetProperty("access_token").GetString()!, rotated.Value.GetProperty("refresh_token").GetString()! })
        {
            Assert.False((await MeasureAsync("/connect/introspect", new() { ["token"] = token })).Body.GetProperty("active").GetBoolean());
        }

        // And no token joins it any more.
        var refresh = await SendAsync("/connect/token", new()
        {
            ["grant_type"] = GrantTypes.RefreshToken, ["refresh_token"] = rotated.Value.GetProperty("refresh_token").GetString()!,
        });
        Assert.Equal(Errors.InvalidGrant, refresh.Body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Two_revocations_at_once_and_a_bulk_one_leave_every_token_inactive()
    {
        var first = (await IssueOfflineTokensAsync()).AccessToken;
        var second = (await IssueOfflineTokensAsync()).AccessToken;

        async Task<bool> RevokeAsync(string accessToken)
        {
            await using var scope = _app.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>()
                .TryRevokeAsync(await FindAuthorizationAsync(scope, accessToken));
        }

        // Both read it valid; the status change of one of them may lose on the concurrency token (OpenIddict's false).
        var outcomes = await Task.WhenAll(RevokeAsync(first), RevokeAsync(first));
        Assert.Contains(true, outcomes);
        Assert.Equal(Statuses.Revoked, await StoredAuthorizationStatusAsync(first));
        Assert.False((await MeasureAsync("/connect/introspect", new() { ["token"] = first })).Body.GetProperty("active").GetBoolean());

        await using (var scope = _app.Services.CreateAsyncScope())
        {
            Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>().RevokeBySubjectAsync(_user));
        }

        var after = await MeasureAsync("/connect/introspect", new() { ["token"] = second });
        Assert.False(after.Body.GetProperty("active").GetBoolean());
        Assert.Equal(OneRead, after.Calls);
    }

    [Fact]
    public async Task Pruning_deletes_a_revoked_authorization_and_keeps_a_valid_one_with_a_live_token()
    {
        var live = (await IssueOfflineTokensAsync()).AccessToken;
        var ended = (await IssueOfflineTokensAsync()).AccessToken;
        string endedId;
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var authorizations = scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>();
            var authorization = await FindAuthorizationAsync(scope, ended);
            endedId = (await authorizations.GetIdAsync(authorization))!;
            Assert.True(await authorizations.TryRevokeAsync(authorization));
        }

        await using (var scope = _app.Services.CreateAsyncScope())
        {
            // Every authorization here is older than the threshold.
            await scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>().PruneAsync(DateTimeOffset.UtcNow.AddMinutes(1));
        }

        await using (var scope = _app.Services.CreateAsyncScope())
        {
            Assert.Null(await scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>().FindByIdAsync(endedId));
        }

        Assert.Equal(Statuses.Valid, await StoredAuthorizationStatusAsync(live));
        Assert.True((await MeasureAsync("/connect/introspect", new() { ["token"] = live })).Body.GetProperty("active").GetBoolean());
        Assert.False((await MeasureAsync("/connect/introspect", new() { ["token"] = ended })).Body.GetProperty("active").GetBoolean());
    }

    private static async Task<object> FindAuthorizationAsync(AsyncServiceScope scope, string accessToken)
    {
        var tokens = scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();
        var authorizations = scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>();
        var token = await tokens.FindByReferenceIdAsync(accessToken) ?? throw new InvalidOperationException("The token is not stored.");
        return await authorizations.FindByIdAsync((await tokens.GetAuthorizationIdAsync(token))!)
            ?? throw new InvalidOperationException("The token has no authorization.");
    }

    /// <summary>The status the authorization's item holds now, read in a scope of its own (no entity cache).</summary>
    private async Task<string?> StoredAuthorizationStatusAsync(string accessToken)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>()
            .GetStatusAsync(await FindAuthorizationAsync(scope, accessToken));
    }

    [Fact]
    public async Task Replaying_a_redeemed_refresh_token_revokes_the_access_token_its_rotation_issued()
    {
        var (_, refreshToken, _) = await IssueOfflineTokensAsync();
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
    public async Task A_token_written_before_revocations_revoked_tokens_first_is_checked_against_its_authorization()
    {
        var accessToken = (await IssueOfflineTokensAsync()).AccessToken;
        string authorizationId;
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var tokens = scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();
            var token = (DynamoDbToken)(await tokens.FindByReferenceIdAsync(accessToken) ?? throw new InvalidOperationException("The token is not stored."));
            authorizationId = token.AuthorizationId!;

            // As an item written by the version that changed the authorization's status before revoking its live set: in
            // the set (authorization_tracked), but a revocation cut between its two steps could have left it valid.
            foreach (var (table, key) in new[] { (Tables.Tokens, ("id", token.Id)), (Tables.TokenReferences, ("reference_id", token.ReferenceId!)) })
            {
                await _client.UpdateItemAsync(new Amazon.DynamoDBv2.Model.UpdateItemRequest
                {
                    TableName = table,
                    Key = new() { [key.Item1] = new Amazon.DynamoDBv2.Model.AttributeValue { S = key.Item2 } },
                    UpdateExpression = "REMOVE revoked_before_authorization",
                });
            }
        }

        var before = await MeasureAsync("/connect/introspect", new() { ["token"] = accessToken });
        Assert.True(before.Body.GetProperty("active").GetBoolean());
        Assert.Equal(TokenThenAuthorization, before.Calls);

        // Revoked as that version's cut revocation left it: only the authorization item changes.
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

    /// <summary>The JOSE header of a token's stored payload (a JWS or a JWE): the algorithm and the key that protect it.</summary>
    private async Task<JsonElement> StoredPayloadHeaderAsync(string referenceId)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var tokens = scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();
        var payload = await tokens.GetPayloadAsync((await tokens.FindByReferenceIdAsync(referenceId))!);
        return JsonDocument.Parse(Base64UrlEncoder.Decode(payload!.Split('.')[0])).RootElement.Clone();
    }

    /// <summary>An access and a refresh token of one authorization (the password grant, <c>offline_access</c>), and the DynamoDB calls issuing them made.</summary>
    private async Task<(string AccessToken, string RefreshToken, string[] Calls)> IssueOfflineTokensAsync()
    {
        var issued = await MeasureAsync("/connect/token", new()
        {
            ["grant_type"] = GrantTypes.Password, ["username"] = _user, ["password"] = "unused", ["scope"] = Scopes.OfflineAccess,
        });
        return (issued.Body.GetProperty("access_token").GetString()!, issued.Body.GetProperty("refresh_token").GetString()!, issued.Calls);
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
            var application = await applications.FindByClientIdAsync(_clientId) ?? throw new InvalidOperationException("No client.");
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
        var application = await applications.FindByClientIdAsync(_clientId) ?? throw new InvalidOperationException("No client.");
        var storedHash = ((DynamoDbApplication)application).ClientSecret!;

        Assert.False(await applications.ValidateClientSecretAsync(application, "wrong-secret"));
        Assert.False(verified.Contains(storedHash, "wrong-secret"));

        Assert.True(await applications.ValidateClientSecretAsync(application, _clientSecret));
        Assert.True(verified.Contains(storedHash, _clientSecret));
    }
}
