using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace McpAspire.AuthServer.Persistence.Infrastructure;

/// <summary>DynamoDB's BatchWriteItem (25 puts or deletes a call), retrying what DynamoDB leaves unprocessed under load.</summary>
internal static class DynamoDbBatchWriter
{
    private const int BatchSize = 25;
    private const int MaxAttempts = 6;

    public static async ValueTask WriteAllAsync(
        IAmazonDynamoDB client, IEnumerable<(string Table, WriteRequest Request)> writes, CancellationToken cancellationToken)
    {
        foreach (var chunk in writes.Chunk(BatchSize))
        {
            var pending = chunk
                .GroupBy(write => write.Table, StringComparer.Ordinal)
                .ToDictionary(group => group.Key, group => group.Select(write => write.Request).ToList(), StringComparer.Ordinal);

            for (var attempt = 1; pending.Count > 0; attempt++)
            {
                if (attempt > MaxAttempts)
                {
                    throw new DynamoDbUnavailableException("DynamoDB left batch writes unprocessed after repeated retries (throttled).");
                }

                if (attempt > 1)
                {
                    // Exponential back-off, as AWS recommends for unprocessed batch items.
                    await Task.Delay(TimeSpan.FromMilliseconds(50 * Math.Pow(2, attempt - 2)), cancellationToken);
                }

                var response = await client.BatchWriteItemAsync(new BatchWriteItemRequest { RequestItems = pending }, cancellationToken);
                pending = response.UnprocessedItems ?? [];
            }
        }
    }

    public static (string Table, WriteRequest Request) Put(string table, Dictionary<string, AttributeValue> item)
        => (table, new WriteRequest { PutRequest = new PutRequest { Item = item } });

    public static (string Table, WriteRequest Request) Delete(string table, Dictionary<string, AttributeValue> key)
        => (table, new WriteRequest { DeleteRequest = new DeleteRequest { Key = key } });
}

/// <summary>DynamoDB could not do the work now (throttled beyond retries); the request is answered 503.</summary>
public sealed class DynamoDbUnavailableException(string message) : Exception(message);
