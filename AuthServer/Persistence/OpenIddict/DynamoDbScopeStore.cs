using System.Runtime.CompilerServices;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using McpAspire.AuthServer.Persistence.Infrastructure;

namespace McpAspire.AuthServer.Persistence.OpenIddict;

/// <summary>OpenIddict's scope store on DynamoDB: keyed by id, with a GSI on the scope name.</summary>
public sealed class DynamoDbScopeStore(
    IAmazonDynamoDB client, DynamoDbTableNames tables, TimeProvider clock, ILogger<DynamoDbScopeStore> logger)
    : DynamoDbStoreBase<DynamoDbScope>(client, tables, clock, logger), IOpenIddictScopeStore<DynamoDbScope>
{
    protected override string Table => Tables.Scopes;

    public ValueTask<long> CountAsync<TResult>(Func<IQueryable<DynamoDbScope>, IQueryable<TResult>> query, CancellationToken cancellationToken)
        => throw QueryableNotSupported();

    public ValueTask CreateAsync(DynamoDbScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return PutNewAsync(ToItem(scope), cancellationToken);
    }

    public ValueTask DeleteAsync(DynamoDbScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return DeleteIfUnchangedAsync(Key(DynamoDbSchema.Id, scope.Id), scope.ConcurrencyToken, cancellationToken);
    }

    public ValueTask<DynamoDbScope?> FindByIdAsync(string identifier, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        return GetAsync(Table, Key(DynamoDbSchema.Id, identifier), cancellationToken);
    }

    public async ValueTask<DynamoDbScope?> FindByNameAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        await foreach (var scope in QueryIndexAsync(DynamoDbSchema.NameIndex, DynamoDbSchema.Name, name, cancellationToken))
        {
            return scope;
        }

        return null;
    }

    public async IAsyncEnumerable<DynamoDbScope> FindByNamesAsync(ImmutableArray<string> names, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // One index query per requested name: a request names a handful of scopes at most.
        foreach (var name in names.Distinct(StringComparer.Ordinal))
        {
            if (await FindByNameAsync(name, cancellationToken) is { } scope)
            {
                yield return scope;
            }
        }
    }

    /// <summary>A scan filtered on the resources (administrative: no request path of the OAuth server calls it).</summary>
    public async IAsyncEnumerable<DynamoDbScope> FindByResourceAsync(string resource, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(resource);
        await foreach (var scope in ScanAsync(cancellationToken))
        {
            if (scope.Resources.Contains(resource, StringComparer.Ordinal))
            {
                yield return scope;
            }
        }
    }

    public ValueTask<TResult?> GetAsync<TState, TResult>(
        Func<IQueryable<DynamoDbScope>, TState, IQueryable<TResult>> query, TState state, CancellationToken cancellationToken)
        => throw QueryableNotSupported();

    public ValueTask<string?> GetDescriptionAsync(DynamoDbScope scope, CancellationToken cancellationToken) => new(scope.Description);

    public ValueTask<ImmutableDictionary<CultureInfo, string>> GetDescriptionsAsync(DynamoDbScope scope, CancellationToken cancellationToken)
        => new(scope.Descriptions);

    public ValueTask<string?> GetDisplayNameAsync(DynamoDbScope scope, CancellationToken cancellationToken) => new(scope.DisplayName);

    public ValueTask<ImmutableDictionary<CultureInfo, string>> GetDisplayNamesAsync(DynamoDbScope scope, CancellationToken cancellationToken)
        => new(scope.DisplayNames);

    public ValueTask<string?> GetIdAsync(DynamoDbScope scope, CancellationToken cancellationToken) => new(scope.Id);

    public ValueTask<string?> GetNameAsync(DynamoDbScope scope, CancellationToken cancellationToken) => new(scope.Name);

    public ValueTask<ImmutableDictionary<string, JsonElement>> GetPropertiesAsync(DynamoDbScope scope, CancellationToken cancellationToken)
        => new(scope.Properties);

    public ValueTask<ImmutableArray<string>> GetResourcesAsync(DynamoDbScope scope, CancellationToken cancellationToken)
        => new(scope.Resources);

    public ValueTask<DynamoDbScope> InstantiateAsync(CancellationToken cancellationToken) => new(new DynamoDbScope());

    public IAsyncEnumerable<DynamoDbScope> ListAsync(int? count, int? offset, CancellationToken cancellationToken)
        => ScanAsync(cancellationToken).Skip(offset ?? 0).Take(count ?? int.MaxValue);

    public IAsyncEnumerable<TResult> ListAsync<TState, TResult>(
        Func<IQueryable<DynamoDbScope>, TState, IQueryable<TResult>> query, TState state, CancellationToken cancellationToken)
        => throw QueryableNotSupported();

    public ValueTask SetDescriptionAsync(DynamoDbScope scope, string? description, CancellationToken cancellationToken)
    {
        scope.Description = description;
        return default;
    }

    public ValueTask SetDescriptionsAsync(DynamoDbScope scope, ImmutableDictionary<CultureInfo, string> descriptions, CancellationToken cancellationToken)
    {
        scope.Descriptions = descriptions;
        return default;
    }

    public ValueTask SetDisplayNameAsync(DynamoDbScope scope, string? name, CancellationToken cancellationToken)
    {
        scope.DisplayName = name;
        return default;
    }

    public ValueTask SetDisplayNamesAsync(DynamoDbScope scope, ImmutableDictionary<CultureInfo, string> names, CancellationToken cancellationToken)
    {
        scope.DisplayNames = names;
        return default;
    }

    public ValueTask SetNameAsync(DynamoDbScope scope, string? name, CancellationToken cancellationToken)
    {
        scope.Name = name;
        return default;
    }

    public ValueTask SetPropertiesAsync(DynamoDbScope scope, ImmutableDictionary<string, JsonElement> properties, CancellationToken cancellationToken)
    {
        scope.Properties = properties;
        return default;
    }

    public ValueTask SetResourcesAsync(DynamoDbScope scope, ImmutableArray<string> resources, CancellationToken cancellationToken)
    {
        scope.Resources = resources;
        return default;
    }

    public async ValueTask UpdateAsync(DynamoDbScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var expectedToken = scope.ConcurrencyToken;
        scope.ConcurrencyToken = NewConcurrencyToken();
        try
        {
            await PutIfUnchangedAsync(ToItem(scope), expectedToken, cancellationToken);
        }
        catch (OpenIddictExceptions.ConcurrencyException)
        {
            scope.ConcurrencyToken = expectedToken;
            throw;
        }
    }

    internal override DynamoDbScope FromItem(ItemReader item) => new()
    {
        Id = item.Required(DynamoDbSchema.Id),
        ConcurrencyToken = item.Required(DynamoDbSchema.ConcurrencyToken),
        Description = item.String("description"),
        Descriptions = JsonAttributes.ReadLocalized(item.String("descriptions")),
        DisplayName = item.String("display_name"),
        DisplayNames = JsonAttributes.ReadLocalized(item.String("display_names")),
        Name = item.String(DynamoDbSchema.Name),
        Properties = JsonAttributes.ReadProperties(item.String("properties")),
        Resources = JsonAttributes.ReadArray(item.String("resources")),
    };

    internal override Dictionary<string, AttributeValue> ToItem(DynamoDbScope scope) => new ItemWriter()
        .String(DynamoDbSchema.Id, scope.Id)
        .String(DynamoDbSchema.ConcurrencyToken, scope.ConcurrencyToken)
        .String("description", scope.Description)
        .String("descriptions", JsonAttributes.Write(scope.Descriptions))
        .String("display_name", scope.DisplayName)
        .String("display_names", JsonAttributes.Write(scope.DisplayNames))
        .String(DynamoDbSchema.Name, scope.Name)
        .String("properties", JsonAttributes.Write(scope.Properties))
        .String("resources", JsonAttributes.Write(scope.Resources))
        .Item;
}
