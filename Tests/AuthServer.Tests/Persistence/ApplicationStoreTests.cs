using System.Collections.Immutable;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace McpAspire.AuthServer.Tests.Persistence;

public sealed class ApplicationStoreTests(DynamoDbLocalFixture dynamoDb) : PersistenceTestBase(dynamoDb, ClassPrefix), IClassFixture<DynamoDbLocalFixture>
{
    private static readonly string ClassPrefix = TablePrefix.New("applications");

    private IOpenIddictApplicationStore<DynamoDbApplication> Store => Get<IOpenIddictApplicationStore<DynamoDbApplication>>();

    private IOpenIddictApplicationManager Manager => Get<IOpenIddictApplicationManager>();

    private static OpenIddictApplicationDescriptor PublicClient(string clientId, string redirectUri, string postLogoutUri) => new()
    {
        ClientId = clientId,
        ClientType = ClientTypes.Public,
        ApplicationType = ApplicationTypes.Native,
        DisplayName = "Test client",
        RedirectUris = { new Uri(redirectUri) },
        PostLogoutRedirectUris = { new Uri(postLogoutUri) },
        Permissions = { Permissions.Endpoints.Authorization, Permissions.Endpoints.Token, Permissions.GrantTypes.AuthorizationCode },
        Requirements = { Requirements.Features.ProofKeyForCodeExchange },
    };

    [Fact]
    public async Task An_application_created_through_the_manager_is_found_by_id_client_id_and_both_redirect_uris()
    {
        var clientId = Unique("client");
        var redirectUri = $"http://127.0.0.1/{Unique("callback")}";
        var postLogoutUri = $"http://127.0.0.1/{Unique("signed-out")}";
        var created = (DynamoDbApplication)await Manager.CreateAsync(PublicClient(clientId, redirectUri, postLogoutUri));

        var byClientId = await Store.FindByClientIdAsync(clientId, CancellationToken.None);
        Assert.NotNull(byClientId);
        Assert.Equal(created.Id, byClientId.Id);
        Assert.Equal(ClientTypes.Public, byClientId.ClientType);
        Assert.Contains(Permissions.GrantTypes.AuthorizationCode, byClientId.Permissions);
        Assert.Equal(created.Id, (await Store.FindByIdAsync(created.Id, CancellationToken.None))?.Id);
        Assert.Equal(created.Id, Assert.Single(await Store.FindByRedirectUriAsync(redirectUri, CancellationToken.None).ToListAsync()).Id);
        Assert.Equal(created.Id, Assert.Single(await Store.FindByPostLogoutRedirectUriAsync(postLogoutUri, CancellationToken.None).ToListAsync()).Id);
        Assert.True(await Manager.ValidateRedirectUriAsync(byClientId, redirectUri));
    }

    [Fact]
    public async Task A_confidential_clients_secret_is_stored_hashed_and_still_validates()
    {
        var clientId = Unique("client");
        var secret = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var created = (DynamoDbApplication)await Manager.CreateAsync(new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientSecret = secret,
            ClientType = ClientTypes.Confidential,
            Permissions = { Permissions.Endpoints.Introspection },
        });

        var raw = await RawItemAsync(Tables.Applications, DynamoDbSchema.Id, created.Id);
        Assert.DoesNotContain(raw!.Values, value => value.S?.Contains(secret, StringComparison.Ordinal) == true);
        var found = await Manager.FindByClientIdAsync(clientId);
        Assert.True(await Manager.ValidateClientSecretAsync(found!, secret));
        Assert.False(await Manager.ValidateClientSecretAsync(found!, secret + "x"));
    }

    [Fact]
    public async Task An_update_with_a_stale_concurrency_token_is_rejected()
    {
        var created = (DynamoDbApplication)await Manager.CreateAsync(PublicClient(Unique("client"), "http://127.0.0.1/a", "http://127.0.0.1/b"));
        var stale = await Store.FindByIdAsync(created.Id, CancellationToken.None);

        created.DisplayName = "Renamed";
        await Store.UpdateAsync(created, CancellationToken.None);

        stale!.DisplayName = "Lost update";
        await Assert.ThrowsAsync<OpenIddictExceptions.ConcurrencyException>(() => Store.UpdateAsync(stale, CancellationToken.None).AsTask());
        Assert.Equal("Renamed", (await Store.FindByClientIdAsync(created.ClientId!, CancellationToken.None))?.DisplayName);
    }

    [Fact]
    public async Task A_redirect_uri_removed_by_an_update_no_longer_finds_the_application()
    {
        var oldUri = $"http://127.0.0.1/{Unique("old")}";
        var newUri = $"http://127.0.0.1/{Unique("new")}";
        var created = (DynamoDbApplication)await Manager.CreateAsync(PublicClient(Unique("client"), oldUri, "http://127.0.0.1/out"));

        created.RedirectUris = [newUri];
        await Store.UpdateAsync(created, CancellationToken.None);

        Assert.Empty(await Store.FindByRedirectUriAsync(oldUri, CancellationToken.None).ToListAsync());
        Assert.Single(await Store.FindByRedirectUriAsync(newUri, CancellationToken.None).ToListAsync());
    }

    [Fact]
    public async Task An_unused_registration_carries_its_expiry_as_TTL_until_first_use_removes_it()
    {
        var expiresAt = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        var descriptor = PublicClient(Unique("client"), "http://127.0.0.1/cb", "http://127.0.0.1/out");
        descriptor.Properties[TtlPolicy.UnusedRegistrationExpiresAt] = JsonSerializer.SerializeToElement(expiresAt);
        var created = (DynamoDbApplication)await Manager.CreateAsync(descriptor);

        Assert.Equal(expiresAt, Ttl(await RawItemAsync(Tables.Applications, DynamoDbSchema.Id, created.Id)));

        // First use: the registration endpoint's caller removes the property.
        var found = await Store.FindByClientIdAsync(created.ClientId!, CancellationToken.None);
        found!.Properties = found.Properties.Remove(TtlPolicy.UnusedRegistrationExpiresAt);
        await Store.UpdateAsync(found, CancellationToken.None);

        Assert.Null(Ttl(await RawItemAsync(Tables.Applications, DynamoDbSchema.Id, created.Id)));
        Assert.NotNull(await Store.FindByClientIdAsync(created.ClientId!, CancellationToken.None));
    }

    [Fact]
    public async Task An_unused_registration_past_its_expiry_is_absent_from_every_lookup()
    {
        var descriptor = PublicClient(Unique("client"), $"http://127.0.0.1/{Unique("cb")}", "http://127.0.0.1/out");
        descriptor.Properties[TtlPolicy.UnusedRegistrationExpiresAt] =
            JsonSerializer.SerializeToElement(DateTimeOffset.UtcNow.AddSeconds(-1).ToUnixTimeSeconds());
        var created = (DynamoDbApplication)await Manager.CreateAsync(descriptor);

        Assert.NotNull(await RawItemAsync(Tables.Applications, DynamoDbSchema.Id, created.Id));
        Assert.Null(await Store.FindByIdAsync(created.Id, CancellationToken.None));
        Assert.Null(await Store.FindByClientIdAsync(created.ClientId!, CancellationToken.None));
        Assert.Empty(await Store.FindByRedirectUriAsync(created.RedirectUris[0], CancellationToken.None).ToListAsync());
    }

    [Fact]
    public async Task A_malformed_item_is_logged_as_an_error_and_treated_as_absent()
    {
        var id = Unique("broken");
        await DynamoDb.Client.PutItemAsync(new PutItemRequest
        {
            TableName = Tables.Applications,
            // No concurrency token, and a permissions attribute that is not JSON.
            Item = new()
            {
                [DynamoDbSchema.Id] = new AttributeValue { S = id },
                ["permissions"] = new AttributeValue { S = "{not json" },
            },
        });
        var logs = new CapturingLoggerProvider();
        using var host = DynamoDb.CreateHost(Prefix, configure: services => services.AddLogging(logging => logging.AddProvider(logs)));
        using var scope = host.Services.CreateScope();
        var store = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationStore<DynamoDbApplication>>();

        Assert.Null(await store.FindByIdAsync(id, CancellationToken.None));
        Assert.Contains(logs.Entries, entry => entry.Level == LogLevel.Error
            && entry.Message.Contains(Tables.Applications, StringComparison.Ordinal)
            && entry.Message.Contains(id, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Deleting_an_application_removes_it_from_every_lookup()
    {
        var redirectUri = $"http://127.0.0.1/{Unique("cb")}";
        var created = (DynamoDbApplication)await Manager.CreateAsync(PublicClient(Unique("client"), redirectUri, "http://127.0.0.1/out"));

        await Store.DeleteAsync(created, CancellationToken.None);

        Assert.Null(await Store.FindByIdAsync(created.Id, CancellationToken.None));
        Assert.Null(await Store.FindByClientIdAsync(created.ClientId!, CancellationToken.None));
        Assert.Empty(await Store.FindByRedirectUriAsync(redirectUri, CancellationToken.None).ToListAsync());
    }
}
