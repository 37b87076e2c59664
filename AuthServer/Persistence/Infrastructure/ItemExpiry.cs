using Amazon.DynamoDBv2.Model;

namespace McpAspire.AuthServer.Persistence.Infrastructure;

/// <summary>
/// DynamoDB's TTL deletes lazily (hours late on AWS, maybe never on DynamoDB Local): an item whose TTL has
/// passed is treated as absent by every read, exactly as if DynamoDB had already deleted it.
/// </summary>
internal static class ItemExpiry
{
    public static bool HasExpired(Dictionary<string, AttributeValue> item, string table, DateTimeOffset now)
    {
        var ttl = new ItemReader(item, table).Number(DynamoDbSchema.Ttl);
        return ttl is { } seconds && seconds <= now.ToUnixTimeSeconds();
    }
}
