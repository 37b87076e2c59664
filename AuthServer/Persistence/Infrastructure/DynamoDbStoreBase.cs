using System.Runtime.CompilerServices;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace McpAspire.AuthServer.Persistence.Infrastructure;

/// <summary>What the four OpenIddict stores share: reads that skip expired and malformed items, paginated queries, conditional writes.</summary>
public abstract class DynamoDbStoreBase<TEntity>(IAmazonDynamoDB client, DynamoDbTableNames tables, TimeProvider clock, ILogger logger)
    where TEntity : class
{
    protected IAmazonDynamoDB Client { get; } = client;
    protected DynamoDbTableNames Tables { get; } = tables;
    protected TimeProvider Clock { get; } = clock;
    protected ILogger Logger { get; } = logger;

    /// <summary>The table the entity lives in.</summary>
    protected abstract string Table { get; }

    internal abstract TEntity FromItem(ItemReader item);

    internal abstract Dictionary<string, AttributeValue> ToItem(TEntity entity);

    protected static Dictionary<string, AttributeValue> Key(string name, string value) => new(StringComparer.Ordinal)
    {
        [name] = new AttributeValue { S = value },
    };

    /// <summary>The entity for an item, or null when it has expired or is malformed (logged as an error).</summary>
    internal TEntity? Materialize(Dictionary<string, AttributeValue>? item, string? table = null)
    {
        table ??= Table;
        if (item is null || item.Count == 0)
        {
            return null;
        }

        try
        {
            return ItemExpiry.HasExpired(item, table, Clock.GetUtcNow()) ? null : FromItem(new ItemReader(item, table));
        }
        catch (Exception exception) when (exception is MalformedItemException or JsonException or CultureNotFoundException or FormatException)
        {
            var key = item.TryGetValue(DynamoDbSchema.Id, out var id) && id.S is not null ? id.S : "(no id)";
            PersistenceLog.MalformedItem(Logger, table, key, exception.Message);
            return null;
        }
    }

    /// <summary>One strongly consistent GetItem.</summary>
    protected async ValueTask<TEntity?> GetAsync(string table, Dictionary<string, AttributeValue> key, CancellationToken cancellationToken)
    {
        var response = await Client.GetItemAsync(new GetItemRequest { TableName = table, Key = key, ConsistentRead = true }, cancellationToken);
        return Materialize(response.Item, table);
    }

    /// <summary>Every live entity whose <paramref name="attribute"/> equals <paramref name="value"/>, through a GSI query (never a scan).</summary>
    protected async IAsyncEnumerable<TEntity> QueryIndexAsync(
        string index, string attribute, string value, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in DynamoDbQueries.QueryIndexAsync(Client, Table, index, attribute, value, cancellationToken))
        {
            if (Materialize(item) is { } entity)
            {
                yield return entity;
            }
        }
    }

    /// <summary>Every store's CountAsync: administration only (a scan), never on a request path.</summary>
    public async ValueTask<long> CountAsync(CancellationToken cancellationToken)
    {
        long count = 0;
        await foreach (var _ in ScanAsync(cancellationToken))
        {
            count++;
        }

        return count;
    }

    /// <summary>
    /// A full scan: only for the administrative members (List, Count, Prune) that no request path of the
    /// OAuth server calls. docs/persistence.md lists them.
    /// </summary>
    protected async IAsyncEnumerable<TEntity> ScanAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = new ScanRequest { TableName = Table };
        await foreach (var response in Client.Paginators.Scan(request).Responses.WithCancellation(cancellationToken))
        {
            foreach (var item in response.Items ?? [])
            {
                if (Materialize(item) is { } entity)
                {
                    yield return entity;
                }
            }
        }
    }

    /// <summary>Writes a new item; an existing one with the same id is never overwritten.</summary>
    protected async ValueTask PutNewAsync(Dictionary<string, AttributeValue> item, CancellationToken cancellationToken)
    {
        if (!await DynamoDbNewItem.TryPutAsync(Client, Table, item, DynamoDbSchema.Id, cancellationToken))
        {
            throw new OpenIddictExceptions.ConcurrencyException("An entity with the same identifier already exists.");
        }
    }

    /// <summary>The condition every update carries: the item still exists with the concurrency token the caller read.</summary>
    protected static (string Expression, Dictionary<string, string> Names, Dictionary<string, AttributeValue> Values) ConcurrencyCondition(string expectedToken)
        => ("#ct = :expected",
            new(StringComparer.Ordinal) { ["#ct"] = DynamoDbSchema.ConcurrencyToken },
            new(StringComparer.Ordinal) { [":expected"] = new AttributeValue { S = expectedToken } });

    /// <summary>Replaces the whole item if nobody changed it since it was read; a lost race is OpenIddict's concurrency exception.</summary>
    protected ValueTask PutIfUnchangedAsync(Dictionary<string, AttributeValue> item, string expectedToken, CancellationToken cancellationToken)
    {
        var (expression, names, values) = ConcurrencyCondition(expectedToken);
        return WriteAsync(
            [new TransactWriteItem { Put = new Put { TableName = Table, Item = item, ConditionExpression = expression, ExpressionAttributeNames = names, ExpressionAttributeValues = values } }],
            cancellationToken);
    }

    /// <summary>Deletes the item if nobody changed it since it was read.</summary>
    protected async ValueTask DeleteIfUnchangedAsync(Dictionary<string, AttributeValue> key, string expectedToken, CancellationToken cancellationToken)
    {
        var (expression, names, values) = ConcurrencyCondition(expectedToken);
        try
        {
            await Client.DeleteItemAsync(new DeleteItemRequest
            {
                TableName = Table,
                Key = key,
                ConditionExpression = expression,
                ExpressionAttributeNames = names,
                ExpressionAttributeValues = values,
            }, cancellationToken);
        }
        catch (Exception exception) when (exception is ConditionalCheckFailedException or TransactionConflictException)
        {
            throw ConcurrencyFailure(exception);
        }
    }

    /// <summary>
    /// Writes <paramref name="actions"/> all or nothing: one conditional put alone as a plain put (half the cost of
    /// a transaction), anything more as a transaction. A condition that did not hold, or a write that conflicted
    /// with another, is OpenIddict's concurrency exception.
    /// </summary>
    protected async ValueTask WriteAsync(List<TransactWriteItem> actions, CancellationToken cancellationToken)
    {
        try
        {
            await PutAloneOrTransactAsync(actions, cancellationToken);
        }
        catch (Exception exception) when (exception is ConditionalCheckFailedException or TransactionConflictException)
        {
            throw ConcurrencyFailure(exception);
        }
        catch (TransactionCanceledException exception) when (IsConditionFailure(exception))
        {
            throw ConcurrencyFailure(exception);
        }
    }

    /// <summary>
    /// Writes <paramref name="actions"/> all or nothing, one put alone as a plain put (half the cost of a
    /// transaction); DynamoDB's own exceptions reach the caller, for stores that tell their causes apart.
    /// </summary>
    protected async ValueTask PutAloneOrTransactAsync(List<TransactWriteItem> actions, CancellationToken cancellationToken)
    {
        if (actions is [{ Put: { } put }])
        {
            await Client.PutItemAsync(new PutItemRequest
            {
                TableName = put.TableName,
                Item = put.Item,
                ConditionExpression = put.ConditionExpression,
                ExpressionAttributeNames = put.ExpressionAttributeNames,
                ExpressionAttributeValues = put.ExpressionAttributeValues,
            }, cancellationToken);
            return;
        }

        await Client.TransactWriteItemsAsync(new TransactWriteItemsRequest { TransactItems = actions }, cancellationToken);
    }

    protected static OpenIddictExceptions.ConcurrencyException ConcurrencyFailure(Exception exception)
        => new("The entity was changed or deleted by another request since it was read; reload it and retry.", exception);

    /// <summary>
    /// True when a cancelled transaction lost a race: a condition did not hold, or another transaction was
    /// writing the same item at that moment (DynamoDB cancels rather than serialises conflicting transactions).
    /// </summary>
    protected static bool IsConditionFailure(TransactionCanceledException exception)
        => exception.CancellationReasons?.Any(reason => reason.Code is "ConditionalCheckFailed" or "TransactionConflict") == true;

    protected static string NewConcurrencyToken() => Guid.NewGuid().ToString("N");

    protected static NotSupportedException QueryableNotSupported()
        => new("The DynamoDB stores do not support IQueryable queries: DynamoDB cannot run arbitrary LINQ. " +
               "Use the manager's Find*/List methods, which map to key and index lookups.");
}
