using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using McpAspire.AuthServer.Persistence.Infrastructure;

namespace McpAspire.AuthServer.Persistence.Coordination;

/// <summary>
/// Runs a start-up step on one replica at a time (the <c>auth-coordination</c> table): replicas starting together
/// would otherwise both find a seeded record missing and both create it. The lock is a conditional <c>PutItem</c>
/// with a lease, so a replica that dies holding it delays the others by <see cref="Lease"/> at most; it is released
/// by a delete conditional on its owner, so a replica whose lease ran out never releases another's.
/// </summary>
public sealed class DynamoDbStartupLock(IAmazonDynamoDB client, DynamoDbTableNames tables, TimeProvider time)
{
    /// <summary>Longer than any seeding step takes (one or two DynamoDB writes and a PBKDF2 hash).</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    /// <summary>How often a waiting replica asks again: the lock is in DynamoDB, nothing can notify it.</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    private const string OwnerAttribute = "owner";
    private const string ExpiresAttribute = "expires_at_ms";

    public async Task RunExclusivelyAsync(string name, Func<CancellationToken, Task> step, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(step);
        var key = new Dictionary<string, AttributeValue> { [DynamoDbSchema.CoordinationKey] = new AttributeValue { S = "lock|" + name } };
        var owner = Guid.NewGuid().ToString("N");
        while (!await TryAcquireAsync(key, owner, cancellationToken))
        {
            await Task.Delay(PollInterval, time, cancellationToken);
        }

        try
        {
            await step(cancellationToken);
        }
        finally
        {
            try
            {
                await client.DeleteItemAsync(new DeleteItemRequest
                {
                    TableName = tables.Coordination,
                    Key = key,
                    ConditionExpression = "#owner = :owner",
                    ExpressionAttributeNames = new() { ["#owner"] = OwnerAttribute },
                    ExpressionAttributeValues = new() { [":owner"] = new AttributeValue { S = owner } },
                }, CancellationToken.None);
            }
            catch (ConditionalCheckFailedException)
            {
                // Our lease ran out and another replica holds the lock now: it is theirs to release.
            }
        }
    }

    private async Task<bool> TryAcquireAsync(Dictionary<string, AttributeValue> key, string owner, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        try
        {
            await client.PutItemAsync(new PutItemRequest
            {
                TableName = tables.Coordination,
                Item = new(key)
                {
                    [OwnerAttribute] = new AttributeValue { S = owner },
                    [ExpiresAttribute] = Number((now + Lease).ToUnixTimeMilliseconds()),
                    [DynamoDbSchema.Ttl] = Number((now + Lease).ToUnixTimeSeconds() + 1),
                },
                ConditionExpression = "attribute_not_exists(#k) OR #expires <= :now",
                ExpressionAttributeNames = new() { ["#k"] = DynamoDbSchema.CoordinationKey, ["#expires"] = ExpiresAttribute },
                ExpressionAttributeValues = new() { [":now"] = Number(now.ToUnixTimeMilliseconds()) },
            }, cancellationToken);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    private static AttributeValue Number(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };
}
