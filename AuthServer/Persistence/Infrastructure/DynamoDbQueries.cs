using System.Runtime.CompilerServices;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace McpAspire.AuthServer.Persistence.Infrastructure;

/// <summary>
/// Raw, paginated index queries (no entity mapping): the clean-up paths that only need keys read them as they are, and
/// the stores (<see cref="DynamoDbStoreBase{TEntity}"/>) materialize them.
/// </summary>
internal static class DynamoDbQueries
{
    public static async IAsyncEnumerable<Dictionary<string, AttributeValue>> QueryIndexAsync(
        IAmazonDynamoDB client, string table, string index, string attribute, string value,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = new QueryRequest
        {
            TableName = table,
            IndexName = index,
            KeyConditionExpression = "#k = :v",
            ExpressionAttributeNames = new() { ["#k"] = attribute },
            ExpressionAttributeValues = new() { [":v"] = new AttributeValue { S = value } },
        };

        await foreach (var response in client.Paginators.Query(request).Responses.WithCancellation(cancellationToken))
        {
            foreach (var item in response.Items ?? [])
            {
                yield return item;
            }
        }
    }
}

/// <summary>
/// Deleting a client or an authorization deletes what hangs off it, as OpenIddict's own stores do:
/// index queries plus batched deletes, never a scan.
/// </summary>
internal static class DynamoDbCascade
{
    public static async ValueTask DeleteByApplicationAsync(
        IAmazonDynamoDB client, DynamoDbTableNames tables, string applicationId, CancellationToken cancellationToken)
    {
        var deletes = await TokenDeletesAsync(
            client, tables, DynamoDbSchema.ApplicationIdIndex, DynamoDbSchema.ApplicationId, applicationId, cancellationToken);
        await foreach (var authorization in DynamoDbQueries.QueryIndexAsync(
            client, tables.Authorizations, DynamoDbSchema.ApplicationIdIndex, DynamoDbSchema.ApplicationId, applicationId, cancellationToken))
        {
            deletes.Add(DynamoDbBatchWriter.Delete(tables.Authorizations, IdKey(authorization)));
        }

        await DynamoDbBatchWriter.WriteAllAsync(client, deletes, cancellationToken);
    }

    public static async ValueTask DeleteTokensOfAuthorizationAsync(
        IAmazonDynamoDB client, DynamoDbTableNames tables, string authorizationId, CancellationToken cancellationToken)
    {
        var deletes = await TokenDeletesAsync(
            client, tables, DynamoDbSchema.AuthorizationIdIndex, DynamoDbSchema.AuthorizationId, authorizationId, cancellationToken);
        await DynamoDbBatchWriter.WriteAllAsync(client, deletes, cancellationToken);
    }

    /// <summary>The deletes of every token whose <paramref name="attribute"/> is <paramref name="value"/>, found through <paramref name="index"/>.</summary>
    private static async ValueTask<List<(string, WriteRequest)>> TokenDeletesAsync(
        IAmazonDynamoDB client, DynamoDbTableNames tables, string index, string attribute, string value, CancellationToken cancellationToken)
    {
        var deletes = new List<(string, WriteRequest)>();
        await foreach (var token in DynamoDbQueries.QueryIndexAsync(client, tables.Tokens, index, attribute, value, cancellationToken))
        {
            deletes.AddRange(TokenDeletes(tables, token));
        }

        return deletes;
    }

    private static IEnumerable<(string, WriteRequest)> TokenDeletes(DynamoDbTableNames tables, Dictionary<string, AttributeValue> token)
    {
        yield return DynamoDbBatchWriter.Delete(tables.Tokens, IdKey(token));
        if (token.TryGetValue(DynamoDbSchema.ReferenceId, out var referenceId) && referenceId.S is not null)
        {
            yield return DynamoDbBatchWriter.Delete(tables.TokenReferences, new(StringComparer.Ordinal) { [DynamoDbSchema.ReferenceId] = referenceId });
        }
    }

    private static Dictionary<string, AttributeValue> IdKey(Dictionary<string, AttributeValue> item)
        => new(StringComparer.Ordinal) { [DynamoDbSchema.Id] = item[DynamoDbSchema.Id] };
}
