using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using McpAspire.AuthServer.Persistence.Infrastructure;

namespace McpAspire.AuthServer.Persistence.Coordination;

/// <summary>
/// Fixed-window quotas every replica shares (the <c>auth-coordination</c> table): one item per quota and window, whose
/// count a conditional <c>UpdateItem</c> raises only while it is under the limit, so replicas taking permits at the
/// same moment can never hand out more than the limit between them. The window's number is part of the key, so a new
/// window starts at zero without a reset; TTL removes the old ones.
/// </summary>
public sealed class DynamoDbQuotaWindows(IAmazonDynamoDB client, DynamoDbTableNames tables)
{
    private const string CountAttribute = "count";

    /// <summary>The window <paramref name="now"/> falls in: its number and its end.</summary>
    public static (long Number, DateTimeOffset End) WindowOf(DateTimeOffset now, TimeSpan window)
    {
        var number = now.ToUnixTimeMilliseconds() / (long)window.TotalMilliseconds;
        return (number, DateTimeOffset.FromUnixTimeMilliseconds((number + 1) * (long)window.TotalMilliseconds));
    }

    /// <summary>
    /// Takes one permit from <paramref name="quota"/>'s current window of <paramref name="window"/>, holding at most
    /// <paramref name="limit"/>; false (nothing taken) when it is used up. One UpdateItem.
    /// </summary>
    public async Task<bool> TryTakeAsync(string quota, int limit, TimeSpan window, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (number, end) = WindowOf(now, window);
        try
        {
            await client.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = tables.Coordination,
                Key = new() { [DynamoDbSchema.CoordinationKey] = new AttributeValue { S = $"{quota}|{number.ToString(CultureInfo.InvariantCulture)}" } },
                UpdateExpression = "ADD #n :one SET #ttl = :ttl",
                ConditionExpression = "attribute_not_exists(#n) OR #n < :limit",
                ExpressionAttributeNames = new() { ["#n"] = CountAttribute, ["#ttl"] = DynamoDbSchema.Ttl },
                ExpressionAttributeValues = new()
                {
                    [":one"] = new AttributeValue { N = "1" },
                    [":limit"] = new AttributeValue { N = limit.ToString(CultureInfo.InvariantCulture) },
                    // Kept one window past its end, so a clock a little behind another replica's still finds it.
                    [":ttl"] = new AttributeValue { N = (end + window).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) },
                },
            }, cancellationToken);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }
}
