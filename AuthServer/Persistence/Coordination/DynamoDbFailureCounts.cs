using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using McpAspire.AuthServer.Persistence.Infrastructure;

namespace McpAspire.AuthServer.Persistence.Coordination;

/// <summary>How many failures a key has seen, and when the last one was.</summary>
public sealed record FailureCount(int Count, DateTimeOffset LastFailure);

/// <summary>
/// Failure counts every replica shares (the <c>auth-coordination</c> table): one item per key holding the count, the
/// last failure and when the count is forgotten. Increments are atomic <c>UpdateItem</c>s, so failures reaching
/// different replicas at the same moment all count; reads are strongly consistent, so a failure counted through one
/// replica holds at once on every other. An item past its retention is treated as absent and started afresh (TTL
/// deletes it later; DynamoDB Local may never).
/// </summary>
public sealed class DynamoDbFailureCounts(IAmazonDynamoDB client, DynamoDbTableNames tables)
{
    private const string CountAttribute = "count";
    private const string LastFailureAttribute = "last_failure_ms";
    private const string ForgetAtAttribute = "forget_at_ms";

    /// <summary>The counts of <paramref name="keys"/> still remembered at <paramref name="now"/>: one BatchGetItem.</summary>
    public async Task<IReadOnlyDictionary<string, FailureCount>> ReadAsync(IReadOnlyCollection<string> keys, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<string, FailureCount>(StringComparer.Ordinal);
        var pending = new KeysAndAttributes
        {
            Keys = [.. keys.Distinct(StringComparer.Ordinal).Select(Key)],
            ConsistentRead = true,
        };
        while (pending.Keys.Count > 0)
        {
            var response = await client.BatchGetItemAsync(new BatchGetItemRequest { RequestItems = new() { [tables.Coordination] = pending } }, cancellationToken);
            foreach (var item in response.Responses?.GetValueOrDefault(tables.Coordination) ?? [])
            {
                if (Number(item, ForgetAtAttribute) > now.ToUnixTimeMilliseconds())
                {
                    counts[item[DynamoDbSchema.CoordinationKey].S] = new FailureCount(
                        (int)Number(item, CountAttribute), DateTimeOffset.FromUnixTimeMilliseconds(Number(item, LastFailureAttribute)));
                }
            }

            // Unprocessed keys come back only when DynamoDB throttles: asked again, never dropped.
            pending = response.UnprocessedKeys?.GetValueOrDefault(tables.Coordination) ?? new KeysAndAttributes();
            pending.Keys ??= [];
        }

        return counts;
    }

    /// <summary>Counts one failure against <paramref name="key"/>, remembered until <paramref name="retention"/> after it.</summary>
    public async Task IncrementAsync(string key, DateTimeOffset now, TimeSpan retention, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, AttributeValue>
        {
            [":now"] = Number(now.ToUnixTimeMilliseconds()),
            [":forget"] = Number((now + retention).ToUnixTimeMilliseconds()),
            [":ttl"] = Number((now + retention).ToUnixTimeSeconds() + 1),
        };
        var names = new Dictionary<string, string>
        {
            ["#k"] = DynamoDbSchema.CoordinationKey,
            ["#n"] = CountAttribute,
            ["#last"] = LastFailureAttribute,
            ["#forget"] = ForgetAtAttribute,
            ["#ttl"] = DynamoDbSchema.Ttl,
        };

        // Two attempts suffice: the second write only loses when another replica started the same count afresh in
        // between, and then the first one (adding to that count) succeeds.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                // Adds to a count still remembered...
                await client.UpdateItemAsync(new UpdateItemRequest
                {
                    TableName = tables.Coordination,
                    Key = new() { [DynamoDbSchema.CoordinationKey] = new AttributeValue { S = key } },
                    UpdateExpression = "SET #n = if_not_exists(#n, :zero) + :one, #last = :now, #forget = :forget, #ttl = :ttl",
                    ConditionExpression = "attribute_not_exists(#k) OR #forget > :now",
                    ExpressionAttributeNames = names,
                    ExpressionAttributeValues = new(values) { [":zero"] = Number(0), [":one"] = Number(1) },
                }, cancellationToken);
                return;
            }
            catch (ConditionalCheckFailedException) when (attempt < 2)
            {
            }

            try
            {
                // ...or starts a forgotten one again at 1, unless another replica just did.
                await client.PutItemAsync(new PutItemRequest
                {
                    TableName = tables.Coordination,
                    Item = new()
                    {
                        [DynamoDbSchema.CoordinationKey] = new AttributeValue { S = key },
                        [CountAttribute] = Number(1),
                        [LastFailureAttribute] = values[":now"],
                        [ForgetAtAttribute] = values[":forget"],
                        [DynamoDbSchema.Ttl] = values[":ttl"],
                    },
                    ConditionExpression = "attribute_not_exists(#k) OR #forget <= :now",
                    ExpressionAttributeNames = new() { ["#k"] = DynamoDbSchema.CoordinationKey, ["#forget"] = ForgetAtAttribute },
                    ExpressionAttributeValues = new() { [":now"] = values[":now"] },
                }, cancellationToken);
                return;
            }
            catch (ConditionalCheckFailedException) when (attempt < 2)
            {
            }
        }
    }

    /// <summary>Forgets <paramref name="key"/>'s failures.</summary>
    public async Task ResetAsync(string key, CancellationToken cancellationToken)
        => await client.DeleteItemAsync(new DeleteItemRequest
        {
            TableName = tables.Coordination,
            Key = new() { [DynamoDbSchema.CoordinationKey] = new AttributeValue { S = key } },
        }, cancellationToken);

    private static Dictionary<string, AttributeValue> Key(string key) => new() { [DynamoDbSchema.CoordinationKey] = new AttributeValue { S = key } };

    private static AttributeValue Number(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    private static long Number(Dictionary<string, AttributeValue> item, string attribute)
        => item.TryGetValue(attribute, out var value) && long.TryParse(value.N, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? number : 0;
}
