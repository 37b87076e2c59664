using System.Runtime.CompilerServices;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using McpAspire.AuthServer.Persistence.Infrastructure;
using Microsoft.IdentityModel.Tokens;

namespace McpAspire.AuthServer.Persistence.OpenIddict;

/// <summary>
/// OpenIddict's application store on DynamoDB. The application item lives in the applications table; full
/// copies of it, keyed by client id and by each redirect URI, live in the lookups table and are written in
/// the same transaction, so FindByClientId and FindByRedirectUri are one strongly consistent Query each
/// (a GSI would be eventually consistent: a client registered dynamically could not be found at once).
/// FindByClientId reuses an item read in the last seconds (<see cref="RecentApplications"/>); every write evicts it.
/// </summary>
public sealed class DynamoDbApplicationStore(
    IAmazonDynamoDB client, DynamoDbTableNames tables, TimeProvider clock, ILogger<DynamoDbApplicationStore> logger,
    RecentApplications recent, IOpenIddictAuthorizationStore<DynamoDbAuthorization> authorizations)
    : DynamoDbStoreBase<DynamoDbApplication>(client, tables, clock, logger), IOpenIddictApplicationStore<DynamoDbApplication>
{
    // DynamoDB transactions hold at most 100 actions: the application, its lookup copies, and deletions of stale ones.
    private const int MaxTransactionActions = 100;

    protected override string Table => Tables.Applications;

    public ValueTask<long> CountAsync<TResult>(Func<IQueryable<DynamoDbApplication>, IQueryable<TResult>> query, CancellationToken cancellationToken)
        => throw QueryableNotSupported();

    public async ValueTask CreateAsync(DynamoDbApplication application, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(application);
        var item = ToItem(application);
        var actions = new List<TransactWriteItem>
        {
            new()
            {
                Put = new Put
                {
                    TableName = Table,
                    Item = item,
                    ConditionExpression = "attribute_not_exists(#id)",
                    ExpressionAttributeNames = new() { ["#id"] = DynamoDbSchema.Id },
                },
            },
        };
        var lookups = LookupKeys(application);
        actions.AddRange(lookups.Select(lookup => PutLookup(item, lookup)));
        try
        {
            await WriteWithLookupsAsync(actions, cancellationToken);
        }
        finally
        {
            ForgetEveryClientId(application);
        }

        application.StoredLookups = lookups;
    }

    public async ValueTask DeleteAsync(DynamoDbApplication application, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(application);
        var (expression, names, values) = ConcurrencyCondition(application.ConcurrencyToken);
        var actions = new List<TransactWriteItem>
        {
            new()
            {
                Delete = new Delete
                {
                    TableName = Table,
                    Key = Key(DynamoDbSchema.Id, application.Id),
                    ConditionExpression = expression,
                    ExpressionAttributeNames = names,
                    ExpressionAttributeValues = values,
                },
            },
        };
        actions.AddRange(application.StoredLookups.Union(LookupKeys(application)).Select(lookup => DeleteLookup(application.Id, lookup)));
        try
        {
            await WriteWithLookupsAsync(actions, cancellationToken);
        }
        finally
        {
            ForgetEveryClientId(application);
        }

        // Its authorizations are revoked first, and with them every token in their live sets (TokenFamily): the
        // delete below finds tokens through an index that is updated eventually, and introspection does not read
        // the authorization of a tracked token. Not cancellable once the client is gone.
        await authorizations.RevokeByApplicationIdAsync(application.Id, CancellationToken.None);

        // Like OpenIddict's own stores, deleting a client deletes what was issued to it.
        await DynamoDbCascade.DeleteByApplicationAsync(Client, Tables, application.Id, CancellationToken.None);
    }

    public async ValueTask<DynamoDbApplication?> FindByClientIdAsync(string identifier, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        if (recent.TryGet(identifier, out var remembered))
        {
            return Materialize(remembered, Tables.ApplicationLookups);
        }

        var generation = recent.Generation;
        await foreach (var (item, application) in QueryLookupItemsAsync(ClientIdLookup(identifier), cancellationToken))
        {
            recent.Remember(identifier, item, generation);
            return application;
        }

        return null;
    }

    public ValueTask<DynamoDbApplication?> FindByIdAsync(string identifier, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        return GetAsync(Table, Key(DynamoDbSchema.Id, identifier), cancellationToken);
    }

    public IAsyncEnumerable<DynamoDbApplication> FindByPostLogoutRedirectUriAsync(string uri, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(uri);
        return QueryLookupAsync(PostLogoutRedirectUriLookup(uri), cancellationToken);
    }

    public IAsyncEnumerable<DynamoDbApplication> FindByRedirectUriAsync(string uri, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(uri);
        return QueryLookupAsync(RedirectUriLookup(uri), cancellationToken);
    }

    public ValueTask<string?> GetApplicationTypeAsync(DynamoDbApplication application, CancellationToken cancellationToken)
        => new(application.ApplicationType);

    public ValueTask<TResult?> GetAsync<TState, TResult>(
        Func<IQueryable<DynamoDbApplication>, TState, IQueryable<TResult>> query, TState state, CancellationToken cancellationToken)
        => throw QueryableNotSupported();

    public ValueTask<string?> GetClientIdAsync(DynamoDbApplication application, CancellationToken cancellationToken)
        => new(application.ClientId);

    public ValueTask<string?> GetClientSecretAsync(DynamoDbApplication application, CancellationToken cancellationToken)
        => new(application.ClientSecret);

    public ValueTask<string?> GetClientTypeAsync(DynamoDbApplication application, CancellationToken cancellationToken)
        => new(application.ClientType);

    public ValueTask<string?> GetConsentTypeAsync(DynamoDbApplication application, CancellationToken cancellationToken)
        => new(application.ConsentType);

    public ValueTask<string?> GetDisplayNameAsync(DynamoDbApplication application, CancellationToken cancellationToken)
        => new(application.DisplayName);

    public ValueTask<ImmutableDictionary<CultureInfo, string>> GetDisplayNamesAsync(DynamoDbApplication application, CancellationToken cancellationToken)
        => new(application.DisplayNames);

    public ValueTask<string?> GetIdAsync(DynamoDbApplication application, CancellationToken cancellationToken)
        => new(application.Id);

    public ValueTask<JsonWebKeySet?> GetJsonWebKeySetAsync(DynamoDbApplication application, CancellationToken cancellationToken)
        => new(application.JsonWebKeySet is null ? null : JsonWebKeySet.Create(application.JsonWebKeySet));

    public ValueTask<ImmutableArray<string>> GetPermissionsAsync(DynamoDbApplication application, CancellationToken cancellationToken)
        => new(application.Permissions);

    public ValueTask<ImmutableArray<string>> GetPostLogoutRedirectUrisAsync(DynamoDbApplication application, CancellationToken cancellationToken)
        => new(application.PostLogoutRedirectUris);

    public ValueTask<ImmutableDictionary<string, JsonElement>> GetPropertiesAsync(DynamoDbApplication application, CancellationToken cancellationToken)
        => new(application.Properties);

    public ValueTask<ImmutableArray<string>> GetRedirectUrisAsync(DynamoDbApplication application, CancellationToken cancellationToken)
        => new(application.RedirectUris);

    public ValueTask<ImmutableArray<string>> GetRequirementsAsync(DynamoDbApplication application, CancellationToken cancellationToken)
        => new(application.Requirements);

    public ValueTask<ImmutableDictionary<string, string>> GetSettingsAsync(DynamoDbApplication application, CancellationToken cancellationToken)
        => new(application.Settings);

    public ValueTask<DynamoDbApplication> InstantiateAsync(CancellationToken cancellationToken) => new(new DynamoDbApplication());

    public IAsyncEnumerable<DynamoDbApplication> ListAsync(int? count, int? offset, CancellationToken cancellationToken)
        => ScanAsync(cancellationToken).Skip(offset ?? 0).Take(count ?? int.MaxValue);

    public IAsyncEnumerable<TResult> ListAsync<TState, TResult>(
        Func<IQueryable<DynamoDbApplication>, TState, IQueryable<TResult>> query, TState state, CancellationToken cancellationToken)
        => throw QueryableNotSupported();

    public ValueTask SetApplicationTypeAsync(DynamoDbApplication application, string? type, CancellationToken cancellationToken)
    {
        application.ApplicationType = type;
        return default;
    }

    public ValueTask SetClientIdAsync(DynamoDbApplication application, string? identifier, CancellationToken cancellationToken)
    {
        application.ClientId = identifier;
        return default;
    }

    public ValueTask SetClientSecretAsync(DynamoDbApplication application, string? secret, CancellationToken cancellationToken)
    {
        application.ClientSecret = secret;
        return default;
    }

    public ValueTask SetClientTypeAsync(DynamoDbApplication application, string? type, CancellationToken cancellationToken)
    {
        application.ClientType = type;
        return default;
    }

    public ValueTask SetConsentTypeAsync(DynamoDbApplication application, string? type, CancellationToken cancellationToken)
    {
        application.ConsentType = type;
        return default;
    }

    public ValueTask SetDisplayNameAsync(DynamoDbApplication application, string? name, CancellationToken cancellationToken)
    {
        application.DisplayName = name;
        return default;
    }

    public ValueTask SetDisplayNamesAsync(DynamoDbApplication application, ImmutableDictionary<CultureInfo, string> names, CancellationToken cancellationToken)
    {
        application.DisplayNames = names;
        return default;
    }

    public ValueTask SetJsonWebKeySetAsync(DynamoDbApplication application, JsonWebKeySet? set, CancellationToken cancellationToken)
    {
        application.JsonWebKeySet = set is null ? null : JsonSerializer.Serialize(set);
        return default;
    }

    public ValueTask SetPermissionsAsync(DynamoDbApplication application, ImmutableArray<string> permissions, CancellationToken cancellationToken)
    {
        application.Permissions = permissions;
        return default;
    }

    public ValueTask SetPostLogoutRedirectUrisAsync(DynamoDbApplication application, ImmutableArray<string> uris, CancellationToken cancellationToken)
    {
        application.PostLogoutRedirectUris = uris;
        return default;
    }

    public ValueTask SetPropertiesAsync(DynamoDbApplication application, ImmutableDictionary<string, JsonElement> properties, CancellationToken cancellationToken)
    {
        application.Properties = properties;
        return default;
    }

    public ValueTask SetRedirectUrisAsync(DynamoDbApplication application, ImmutableArray<string> uris, CancellationToken cancellationToken)
    {
        application.RedirectUris = uris;
        return default;
    }

    public ValueTask SetRequirementsAsync(DynamoDbApplication application, ImmutableArray<string> requirements, CancellationToken cancellationToken)
    {
        application.Requirements = requirements;
        return default;
    }

    public ValueTask SetSettingsAsync(DynamoDbApplication application, ImmutableDictionary<string, string> settings, CancellationToken cancellationToken)
    {
        application.Settings = settings;
        return default;
    }

    public async ValueTask UpdateAsync(DynamoDbApplication application, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(application);
        var expectedToken = application.ConcurrencyToken;
        application.ConcurrencyToken = NewConcurrencyToken();
        var item = ToItem(application);
        var (expression, names, values) = ConcurrencyCondition(expectedToken);
        var actions = new List<TransactWriteItem>
        {
            new()
            {
                Put = new Put
                {
                    TableName = Table,
                    Item = item,
                    ConditionExpression = expression,
                    ExpressionAttributeNames = names,
                    ExpressionAttributeValues = values,
                },
            },
        };

        // Every copy is rewritten (its TTL and fields follow the application); copies under keys it lost are deleted.
        var lookups = LookupKeys(application);
        actions.AddRange(lookups.Select(lookup => PutLookup(item, lookup)));
        actions.AddRange(application.StoredLookups.Except(lookups).Select(lookup => DeleteLookup(application.Id, lookup)));

        try
        {
            await WriteWithLookupsAsync(actions, cancellationToken);
        }
        catch (OpenIddictExceptions.ConcurrencyException)
        {
            application.ConcurrencyToken = expectedToken;
            throw;
        }
        finally
        {
            ForgetEveryClientId(application);
        }

        application.StoredLookups = lookups;
    }

    internal override DynamoDbApplication FromItem(ItemReader item)
    {
        var application = new DynamoDbApplication
        {
            Id = item.Required(DynamoDbSchema.Id),
            ConcurrencyToken = item.Required(DynamoDbSchema.ConcurrencyToken),
            ApplicationType = item.String("application_type"),
            ClientId = item.String("client_id"),
            ClientSecret = item.String("client_secret"),
            ClientType = item.String("client_type"),
            ConsentType = item.String("consent_type"),
            DisplayName = item.String("display_name"),
            DisplayNames = JsonAttributes.ReadLocalized(item.String("display_names")),
            JsonWebKeySet = item.String("json_web_key_set"),
            Permissions = JsonAttributes.ReadArray(item.String("permissions")),
            PostLogoutRedirectUris = JsonAttributes.ReadArray(item.String("post_logout_redirect_uris")),
            Properties = JsonAttributes.ReadProperties(item.String("properties")),
            RedirectUris = JsonAttributes.ReadArray(item.String("redirect_uris")),
            Requirements = JsonAttributes.ReadArray(item.String("requirements")),
            Settings = JsonAttributes.ReadSettings(item.String("settings")),
        };
        application.StoredLookups = LookupKeys(application);
        return application;
    }

    internal override Dictionary<string, AttributeValue> ToItem(DynamoDbApplication application) => new ItemWriter()
        .String(DynamoDbSchema.Id, application.Id)
        .String(DynamoDbSchema.ConcurrencyToken, application.ConcurrencyToken)
        .String("application_type", application.ApplicationType)
        .String("client_id", application.ClientId)
        .String("client_secret", application.ClientSecret)
        .String("client_type", application.ClientType)
        .String("consent_type", application.ConsentType)
        .String("display_name", application.DisplayName)
        .String("display_names", JsonAttributes.Write(application.DisplayNames))
        .String("json_web_key_set", application.JsonWebKeySet)
        .String("permissions", JsonAttributes.Write(application.Permissions))
        .String("post_logout_redirect_uris", JsonAttributes.Write(application.PostLogoutRedirectUris))
        .String("properties", JsonAttributes.Write(application.Properties))
        .String("redirect_uris", JsonAttributes.Write(application.RedirectUris))
        .String("requirements", JsonAttributes.Write(application.Requirements))
        .String("settings", JsonAttributes.Write(application.Settings))
        .Number(DynamoDbSchema.Ttl, UnusedRegistrationExpiry(application))
        .Item;

    /// <summary>
    /// The convention for unused dynamic registrations: a numeric <c>unused_registration_expires_at</c>
    /// property (unix seconds) becomes the item's TTL; removing the property (first use) removes the TTL.
    /// </summary>
    internal static long? UnusedRegistrationExpiry(DynamoDbApplication application)
        => application.Properties.TryGetValue(TtlPolicy.UnusedRegistrationExpiresAt, out var value)
           && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var seconds)
            ? seconds
            : null;

    private const string ClientIdLookupPrefix = "client_id|";

    private static string ClientIdLookup(string clientId) => ClientIdLookupPrefix + clientId;

    private static string RedirectUriLookup(string uri) => "redirect_uri|" + uri;

    private static string PostLogoutRedirectUriLookup(string uri) => "post_logout_redirect_uri|" + uri;

    private static ImmutableHashSet<string> LookupKeys(DynamoDbApplication application)
    {
        var keys = ImmutableHashSet.CreateBuilder<string>(StringComparer.Ordinal);
        if (!string.IsNullOrEmpty(application.ClientId))
        {
            keys.Add(ClientIdLookup(application.ClientId));
        }

        foreach (var uri in application.RedirectUris.Where(uri => !string.IsNullOrEmpty(uri)))
        {
            keys.Add(RedirectUriLookup(uri));
        }

        foreach (var uri in application.PostLogoutRedirectUris.Where(uri => !string.IsNullOrEmpty(uri)))
        {
            keys.Add(PostLogoutRedirectUriLookup(uri));
        }

        return keys.ToImmutable();
    }

    private TransactWriteItem PutLookup(Dictionary<string, AttributeValue> applicationItem, string lookup)
    {
        var copy = new Dictionary<string, AttributeValue>(applicationItem, StringComparer.Ordinal)
        {
            [DynamoDbSchema.Lookup] = new AttributeValue { S = lookup },
            [DynamoDbSchema.ApplicationId] = applicationItem[DynamoDbSchema.Id],
        };
        return new TransactWriteItem { Put = new Put { TableName = Tables.ApplicationLookups, Item = copy } };
    }

    private TransactWriteItem DeleteLookup(string applicationId, string lookup) => new()
    {
        Delete = new Delete
        {
            TableName = Tables.ApplicationLookups,
            Key = new Dictionary<string, AttributeValue>(StringComparer.Ordinal)
            {
                [DynamoDbSchema.Lookup] = new AttributeValue { S = lookup },
                [DynamoDbSchema.ApplicationId] = new AttributeValue { S = applicationId },
            },
        },
    };

    // The client id it has now and any it was stored under (a client id is not expected to change, but may).
    private void ForgetEveryClientId(DynamoDbApplication application)
    {
        recent.Forget(application.ClientId);
        foreach (var lookup in application.StoredLookups.Where(lookup => lookup.StartsWith(ClientIdLookupPrefix, StringComparison.Ordinal)))
        {
            recent.Forget(lookup[ClientIdLookupPrefix.Length..]);
        }
    }

    private async IAsyncEnumerable<DynamoDbApplication> QueryLookupAsync(string lookup, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var (_, application) in QueryLookupItemsAsync(lookup, cancellationToken))
        {
            yield return application;
        }
    }

    private async IAsyncEnumerable<(Dictionary<string, AttributeValue> Item, DynamoDbApplication Application)> QueryLookupItemsAsync(
        string lookup, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = new QueryRequest
        {
            TableName = Tables.ApplicationLookups,
            ConsistentRead = true,
            KeyConditionExpression = "#k = :v",
            ExpressionAttributeNames = new() { ["#k"] = DynamoDbSchema.Lookup },
            ExpressionAttributeValues = new() { [":v"] = new AttributeValue { S = lookup } },
        };

        await foreach (var response in Client.Paginators.Query(request).Responses.WithCancellation(cancellationToken))
        {
            foreach (var item in response.Items ?? [])
            {
                if (Materialize(item, Tables.ApplicationLookups) is { } application)
                {
                    yield return (item, application);
                }
            }
        }
    }

    /// <summary>An application and its lookup copies in one transaction, which DynamoDB limits to 100 actions.</summary>
    private ValueTask WriteWithLookupsAsync(List<TransactWriteItem> actions, CancellationToken cancellationToken)
    {
        if (actions.Count > MaxTransactionActions)
        {
            throw new InvalidOperationException(
                $"An application may have at most {MaxTransactionActions - 2} redirect and post-logout redirect URIs together.");
        }

        return WriteAsync(actions, cancellationToken);
    }
}
