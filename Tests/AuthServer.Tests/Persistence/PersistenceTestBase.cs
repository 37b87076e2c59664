namespace McpAspire.AuthServer.Tests.Persistence;

/// <summary>One host of the persistence layer per test, on the tables of its class, against the shared DynamoDB Local.</summary>
public abstract class PersistenceTestBase(DynamoDbLocalFixture dynamoDb, string prefix) : IAsyncLifetime
{
    protected DynamoDbLocalFixture DynamoDb { get; } = dynamoDb;
    protected string Prefix { get; } = prefix;
    protected DynamoDbTableNames Tables { get; } = new(prefix);
    protected IHost Host { get; private set; } = null!;

    /// <summary>One request's worth of services (OpenIddict's managers are scoped).</summary>
    protected IServiceScope Scope { get; private set; } = null!;

    protected T Get<T>() where T : notnull => Scope.ServiceProvider.GetRequiredService<T>();

    public virtual async ValueTask InitializeAsync()
    {
        await DynamoDb.ProvisionAsync(Prefix);
        Host = DynamoDb.CreateHost(Prefix);
        Scope = Host.Services.CreateScope();
    }

    public virtual ValueTask DisposeAsync()
    {
        Scope.Dispose();
        Host.Dispose();
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    protected static string Unique(string what) => $"{what}-{Guid.NewGuid():N}";

    /// <summary>The item exactly as DynamoDB holds it (strongly consistent), or null.</summary>
    protected async Task<Dictionary<string, AttributeValue>?> RawItemAsync(string table, string keyName, string keyValue)
    {
        var response = await DynamoDb.Client.GetItemAsync(new GetItemRequest
        {
            TableName = table,
            Key = new() { [keyName] = new AttributeValue { S = keyValue } },
            ConsistentRead = true,
        });
        return response.Item is { Count: > 0 } item ? item : null;
    }

    protected static long? Ttl(Dictionary<string, AttributeValue>? item)
        => item is not null && item.TryGetValue(DynamoDbSchema.Ttl, out var ttl) ? long.Parse(ttl.N, CultureInfo.InvariantCulture) : null;

    /// <summary>Sets an item's TTL directly, as if time had passed beyond it (DynamoDB Local may never delete it).</summary>
    protected async Task SetTtlAsync(string table, string keyName, string keyValue, DateTimeOffset ttl)
        => await DynamoDb.Client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = table,
            Key = new() { [keyName] = new AttributeValue { S = keyValue } },
            UpdateExpression = "SET #ttl = :ttl",
            ExpressionAttributeNames = new() { ["#ttl"] = DynamoDbSchema.Ttl },
            ExpressionAttributeValues = new() { [":ttl"] = new AttributeValue { N = ttl.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) } },
        });
}
