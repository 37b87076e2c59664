using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace McpAspire.AuthServer.Persistence.Infrastructure;

/// <summary>
/// A write that creates an item and never overwrites one: conditional on no item with the same key, so of two replicas
/// (or two requests) writing the same key at once, exactly one wins and the other learns it lost.
/// </summary>
internal static class DynamoDbNewItem
{
    /// <summary>Puts <paramref name="item"/> unless an item with the same <paramref name="keyAttribute"/> exists; false then, and nothing was written.</summary>
    public static async ValueTask<bool> TryPutAsync(
        IAmazonDynamoDB client, string table, Dictionary<string, AttributeValue> item, string keyAttribute, CancellationToken cancellationToken)
    {
        try
        {
            await client.PutItemAsync(new PutItemRequest
            {
                TableName = table,
                Item = item,
                ConditionExpression = "attribute_not_exists(#key)",
                ExpressionAttributeNames = new() { ["#key"] = keyAttribute },
            }, cancellationToken);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }
}
