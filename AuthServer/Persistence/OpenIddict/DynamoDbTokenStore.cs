using System.Collections.Immutable;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using McpAspire.AuthServer.Persistence.Infrastructure;
using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace McpAspire.AuthServer.Persistence.OpenIddict;

/// <summary>
/// OpenIddict's token store on DynamoDB. The token item is keyed by id, with GSIs on authorization id,
/// subject and application id. A reference token (opaque access or refresh token) also has a full copy
/// keyed by its hashed reference id, written in the same transaction, so introspection and redemption
/// find it with one strongly consistent GetItem. Every write carries the TTL of <see cref="TtlPolicy"/>
/// and first extends the authorization's TTL past it.
/// </summary>
public sealed class DynamoDbTokenStore(
    IAmazonDynamoDB client, DynamoDbTableNames tables, TimeProvider clock, ILogger<DynamoDbTokenStore> logger)
    : DynamoDbStoreBase<DynamoDbToken>(client, tables, clock, logger), IOpenIddictTokenStore<DynamoDbToken>
{
    protected override string Table => Tables.Tokens;

    public ValueTask<long> CountAsync<TResult>(Func<IQueryable<DynamoDbToken>, IQueryable<TResult>> query, CancellationToken cancellationToken)
        => throw QueryableNotSupported();

    public async ValueTask CreateAsync(DynamoDbToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        var item = ToItem(token);
        await ExtendAuthorizationAsync(token, item, cancellationToken);

        var actions = new List<TransactWriteItem>
        {
            new()
            {
                Put = new Put
                {
                    TableName = Table,
                    Item = item,
                    ConditionExpression = "attribute_not_exists(#id)",
                    ExpressionAttributeNames = new() { ["#id"] = DynamoDbSchema.Id },
                },
            },
        };
        if (token.ReferenceId is not null)
        {
            actions.Add(PutReferenceCopy(item));
        }

        await WriteAsync(actions, cancellationToken);
        token.StoredReferenceId = token.ReferenceId;
        token.StoredTtl = TtlOf(item);
    }

    public async ValueTask DeleteAsync(DynamoDbToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        var (expression, names, values) = ConcurrencyCondition(token.ConcurrencyToken);
        var actions = new List<TransactWriteItem>
        {
            new()
            {
                Delete = new Delete
                {
                    TableName = Table,
                    Key = Key(DynamoDbSchema.Id, token.Id),
                    ConditionExpression = expression,
                    ExpressionAttributeNames = names,
                    ExpressionAttributeValues = values,
                },
            },
        };
        foreach (var referenceId in new[] { token.StoredReferenceId, token.ReferenceId }.OfType<string>().Distinct(StringComparer.Ordinal))
        {
            actions.Add(DeleteReferenceCopy(referenceId));
        }

        await WriteAsync(actions, cancellationToken);
    }

    public IAsyncEnumerable<DynamoDbToken> FindAsync(string? subject, string? client, string? status, string? type, CancellationToken cancellationToken)
    {
        var candidates = subject is not null
            ? QueryIndexAsync(DynamoDbSchema.SubjectIndex, DynamoDbSchema.Subject, subject, cancellationToken)
            : client is not null
                ? QueryIndexAsync(DynamoDbSchema.ApplicationIdIndex, DynamoDbSchema.ApplicationId, client, cancellationToken)
                : ScanAsync(cancellationToken);

        return candidates.Where(token =>
            (subject is null || string.Equals(token.Subject, subject, StringComparison.Ordinal)) &&
            (client is null || string.Equals(token.ApplicationId, client, StringComparison.Ordinal)) &&
            (status is null || string.Equals(token.Status, status, StringComparison.Ordinal)) &&
            (type is null || string.Equals(token.Type, type, StringComparison.Ordinal)));
    }

    public IAsyncEnumerable<DynamoDbToken> FindByApplicationIdAsync(string identifier, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        return QueryIndexAsync(DynamoDbSchema.ApplicationIdIndex, DynamoDbSchema.ApplicationId, identifier, cancellationToken);
    }

    public IAsyncEnumerable<DynamoDbToken> FindByAuthorizationIdAsync(string identifier, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        return QueryIndexAsync(DynamoDbSchema.AuthorizationIdIndex, DynamoDbSchema.AuthorizationId, identifier, cancellationToken);
    }

    public ValueTask<DynamoDbToken?> FindByIdAsync(string identifier, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        return GetAsync(Table, Key(DynamoDbSchema.Id, identifier), cancellationToken);
    }

    /// <summary>The introspection and redemption hot path: one strongly consistent GetItem on the reference copy.</summary>
    public ValueTask<DynamoDbToken?> FindByReferenceIdAsync(string identifier, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        return GetAsync(Tables.TokenReferences, Key(DynamoDbSchema.ReferenceId, identifier), cancellationToken);
    }

    public IAsyncEnumerable<DynamoDbToken> FindBySubjectAsync(string subject, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        return QueryIndexAsync(DynamoDbSchema.SubjectIndex, DynamoDbSchema.Subject, subject, cancellationToken);
    }

    public ValueTask<string?> GetApplicationIdAsync(DynamoDbToken token, CancellationToken cancellationToken) => new(token.ApplicationId);

    public ValueTask<TResult?> GetAsync<TState, TResult>(
        Func<IQueryable<DynamoDbToken>, TState, IQueryable<TResult>> query, TState state, CancellationToken cancellationToken)
        => throw QueryableNotSupported();

    public ValueTask<string?> GetAuthorizationIdAsync(DynamoDbToken token, CancellationToken cancellationToken) => new(token.AuthorizationId);

    public ValueTask<DateTimeOffset?> GetCreationDateAsync(DynamoDbToken token, CancellationToken cancellationToken) => new(token.CreationDate);

    public ValueTask<DateTimeOffset?> GetExpirationDateAsync(DynamoDbToken token, CancellationToken cancellationToken) => new(token.ExpirationDate);

    public ValueTask<string?> GetIdAsync(DynamoDbToken token, CancellationToken cancellationToken) => new(token.Id);

    public ValueTask<string?> GetPayloadAsync(DynamoDbToken token, CancellationToken cancellationToken) => new(token.Payload);

    public ValueTask<ImmutableDictionary<string, JsonElement>> GetPropertiesAsync(DynamoDbToken token, CancellationToken cancellationToken)
        => new(token.Properties);

    public ValueTask<DateTimeOffset?> GetRedemptionDateAsync(DynamoDbToken token, CancellationToken cancellationToken) => new(token.RedemptionDate);

    public ValueTask<string?> GetReferenceIdAsync(DynamoDbToken token, CancellationToken cancellationToken) => new(token.ReferenceId);

    public ValueTask<string?> GetStatusAsync(DynamoDbToken token, CancellationToken cancellationToken) => new(token.Status);

    public ValueTask<string?> GetSubjectAsync(DynamoDbToken token, CancellationToken cancellationToken) => new(token.Subject);

    public ValueTask<string?> GetTypeAsync(DynamoDbToken token, CancellationToken cancellationToken) => new(token.Type);

    public ValueTask<DynamoDbToken> InstantiateAsync(CancellationToken cancellationToken) => new(new DynamoDbToken());

    public IAsyncEnumerable<DynamoDbToken> ListAsync(int? count, int? offset, CancellationToken cancellationToken)
        => ScanAsync(cancellationToken).Skip(offset ?? 0).Take(count ?? int.MaxValue);

    public IAsyncEnumerable<TResult> ListAsync<TState, TResult>(
        Func<IQueryable<DynamoDbToken>, TState, IQueryable<TResult>> query, TState state, CancellationToken cancellationToken)
        => throw QueryableNotSupported();

    /// <summary>
    /// Administrative clean-up (a scan; no request path calls it, and TTL already removes expired tokens):
    /// deletes tokens created before <paramref name="threshold"/> that are expired or no longer usable.
    /// </summary>
    public async ValueTask<long> PruneAsync(DateTimeOffset threshold, CancellationToken cancellationToken)
    {
        var now = Clock.GetUtcNow();
        var deletes = new List<(string, WriteRequest)>();
        long pruned = 0;
        await foreach (var token in ScanAsync(cancellationToken))
        {
            if (token.CreationDate is { } created && created < threshold &&
                ((token.Status != Statuses.Inactive && token.Status != Statuses.Valid) || token.ExpirationDate < now))
            {
                pruned++;
                deletes.Add(DynamoDbBatchWriter.Delete(Table, Key(DynamoDbSchema.Id, token.Id)));
                if (token.StoredReferenceId is not null)
                {
                    deletes.Add(DynamoDbBatchWriter.Delete(Tables.TokenReferences, Key(DynamoDbSchema.ReferenceId, token.StoredReferenceId)));
                }
            }
        }

        await DynamoDbBatchWriter.WriteAllAsync(Client, deletes, cancellationToken);
        return pruned;
    }

    public ValueTask<long> RevokeAsync(string? subject, string? client, string? status, string? type, CancellationToken cancellationToken)
        => RevokeAllAsync(FindAsync(subject, client, status, type, cancellationToken), cancellationToken);

    public ValueTask<long> RevokeByApplicationIdAsync(string identifier, CancellationToken cancellationToken = default)
        => RevokeAllAsync(FindByApplicationIdAsync(identifier, cancellationToken), cancellationToken);

    /// <summary>Reuse detection's path: one index query, then batched writes of 25 items (token and reference copy).</summary>
    public ValueTask<long> RevokeByAuthorizationIdAsync(string identifier, CancellationToken cancellationToken)
        => RevokeAllAsync(FindByAuthorizationIdAsync(identifier, cancellationToken), cancellationToken);

    public ValueTask<long> RevokeBySubjectAsync(string subject, CancellationToken cancellationToken = default)
        => RevokeAllAsync(FindBySubjectAsync(subject, cancellationToken), cancellationToken);

    public ValueTask SetApplicationIdAsync(DynamoDbToken token, string? identifier, CancellationToken cancellationToken)
    {
        token.ApplicationId = identifier;
        return default;
    }

    public ValueTask SetAuthorizationIdAsync(DynamoDbToken token, string? identifier, CancellationToken cancellationToken)
    {
        token.AuthorizationId = identifier;
        return default;
    }

    public ValueTask SetCreationDateAsync(DynamoDbToken token, DateTimeOffset? date, CancellationToken cancellationToken)
    {
        token.CreationDate = date;
        return default;
    }

    public ValueTask SetExpirationDateAsync(DynamoDbToken token, DateTimeOffset? date, CancellationToken cancellationToken)
    {
        token.ExpirationDate = date;
        return default;
    }

    public ValueTask SetPayloadAsync(DynamoDbToken token, string? payload, CancellationToken cancellationToken)
    {
        token.Payload = payload;
        return default;
    }

    public ValueTask SetPropertiesAsync(DynamoDbToken token, ImmutableDictionary<string, JsonElement> properties, CancellationToken cancellationToken)
    {
        token.Properties = properties;
        return default;
    }

    public ValueTask SetRedemptionDateAsync(DynamoDbToken token, DateTimeOffset? date, CancellationToken cancellationToken)
    {
        token.RedemptionDate = date;
        return default;
    }

    public ValueTask SetReferenceIdAsync(DynamoDbToken token, string? identifier, CancellationToken cancellationToken)
    {
        token.ReferenceId = identifier;
        return default;
    }

    public ValueTask SetStatusAsync(DynamoDbToken token, string? status, CancellationToken cancellationToken)
    {
        token.Status = status;
        return default;
    }

    public ValueTask SetSubjectAsync(DynamoDbToken token, string? subject, CancellationToken cancellationToken)
    {
        token.Subject = subject;
        return default;
    }

    public ValueTask SetTypeAsync(DynamoDbToken token, string? type, CancellationToken cancellationToken)
    {
        token.Type = type;
        return default;
    }

    /// <summary>
    /// A conditional write on the concurrency token (the token and its reference copy in one transaction):
    /// of two replicas redeeming the same code or refresh token, exactly one wins; the other gets
    /// OpenIddict's concurrency exception, which OpenIddict turns into a rejected redemption.
    /// </summary>
    public async ValueTask UpdateAsync(DynamoDbToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        var expectedToken = token.ConcurrencyToken;
        token.ConcurrencyToken = NewConcurrencyToken();
        var item = ToItem(token);
        await ExtendAuthorizationAsync(token, item, cancellationToken);

        var (expression, names, values) = ConcurrencyCondition(expectedToken);
        var actions = new List<TransactWriteItem>
        {
            new()
            {
                Put = new Put
                {
                    TableName = Table,
                    Item = item,
                    ConditionExpression = expression,
                    ExpressionAttributeNames = names,
                    ExpressionAttributeValues = values,
                },
            },
        };
        if (token.ReferenceId is not null)
        {
            actions.Add(PutReferenceCopy(item));
        }

        if (token.StoredReferenceId is not null && !string.Equals(token.StoredReferenceId, token.ReferenceId, StringComparison.Ordinal))
        {
            actions.Add(DeleteReferenceCopy(token.StoredReferenceId));
        }

        try
        {
            await WriteAsync(actions, cancellationToken);
        }
        catch (OpenIddictExceptions.ConcurrencyException)
        {
            token.ConcurrencyToken = expectedToken;
            throw;
        }

        token.StoredReferenceId = token.ReferenceId;
        token.StoredTtl = TtlOf(item);
    }

    internal override DynamoDbToken FromItem(ItemReader item)
    {
        var token = new DynamoDbToken
        {
            Id = item.Required(DynamoDbSchema.Id),
            ConcurrencyToken = item.Required(DynamoDbSchema.ConcurrencyToken),
            ApplicationId = item.String(DynamoDbSchema.ApplicationId),
            AuthorizationId = item.String(DynamoDbSchema.AuthorizationId),
            CreationDate = item.Date("creation_date"),
            ExpirationDate = item.Date("expiration_date"),
            Payload = item.String("payload"),
            Properties = JsonAttributes.ReadProperties(item.String("properties")),
            RedemptionDate = item.Date("redemption_date"),
            ReferenceId = item.String(DynamoDbSchema.ReferenceId),
            Status = item.String("status"),
            Subject = item.String(DynamoDbSchema.Subject),
            Type = item.String("type"),
        };
        token.StoredReferenceId = token.ReferenceId;
        token.StoredTtl = item.Number(DynamoDbSchema.Ttl);
        return token;
    }

    internal override Dictionary<string, AttributeValue> ToItem(DynamoDbToken token) => new ItemWriter()
        .String(DynamoDbSchema.Id, token.Id)
        .String(DynamoDbSchema.ConcurrencyToken, token.ConcurrencyToken)
        .String(DynamoDbSchema.ApplicationId, token.ApplicationId)
        .String(DynamoDbSchema.AuthorizationId, token.AuthorizationId)
        .Date("creation_date", token.CreationDate)
        .Date("expiration_date", token.ExpirationDate)
        .String("payload", token.Payload)
        .String("properties", JsonAttributes.Write(token.Properties))
        .Date("redemption_date", token.RedemptionDate)
        .String(DynamoDbSchema.ReferenceId, token.ReferenceId)
        .String("status", token.Status)
        .String(DynamoDbSchema.Subject, token.Subject)
        .String("type", token.Type)
        .Number(DynamoDbSchema.Ttl, TtlPolicy.ForToken(token.Type, token.ExpirationDate))
        .Item;

    /// <summary>
    /// Pushes the authorization's TTL past this token's, before the token is written: should the token
    /// write then fail, the authorization merely lives a little longer. Only an existing TTL is raised;
    /// a permanent authorization (no TTL) is left without one.
    /// </summary>
    private async ValueTask ExtendAuthorizationAsync(DynamoDbToken token, Dictionary<string, AttributeValue> item, CancellationToken cancellationToken)
    {
        // An update that keeps the TTL (redemption, revocation, attaching the payload) was covered when it was set.
        if (token.AuthorizationId is null || TtlOf(item) is not { } tokenTtl || tokenTtl == token.StoredTtl)
        {
            return;
        }

        var authorizationTtl = TtlPolicy.ForAuthorizationOf(tokenTtl);
        try
        {
            await Client.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = Tables.Authorizations,
                Key = Key(DynamoDbSchema.Id, token.AuthorizationId),
                UpdateExpression = "SET #ttl = :ttl",
                ConditionExpression = "attribute_exists(#ttl) AND #ttl < :ttl",
                ExpressionAttributeNames = new() { ["#ttl"] = DynamoDbSchema.Ttl },
                ExpressionAttributeValues = new() { [":ttl"] = ItemWriter.NumberValue(authorizationTtl) },
            }, cancellationToken);
        }
        catch (ConditionalCheckFailedException)
        {
            // Already long enough, permanent, or gone: nothing to extend.
        }
    }

    /// <summary>
    /// Marks every token revoked: the tokens come from one index query, the writes go in batches of 25
    /// (each token with its reference copy). A blind batched put is safe here: revoked is terminal, and
    /// the new concurrency token makes any concurrent redemption of these tokens lose its race.
    /// </summary>
    private async ValueTask<long> RevokeAllAsync(IAsyncEnumerable<DynamoDbToken> tokens, CancellationToken cancellationToken)
    {
        var writes = new List<(string, WriteRequest)>();
        long revoked = 0;
        await foreach (var token in tokens.WithCancellation(cancellationToken))
        {
            if (token.Status == Statuses.Revoked)
            {
                continue;
            }

            token.Status = Statuses.Revoked;
            token.ConcurrencyToken = NewConcurrencyToken();
            var item = ToItem(token);
            writes.Add(DynamoDbBatchWriter.Put(Table, item));
            if (token.ReferenceId is not null)
            {
                writes.Add(DynamoDbBatchWriter.Put(Tables.TokenReferences, ReferenceCopy(item)));
            }

            revoked++;
        }

        await DynamoDbBatchWriter.WriteAllAsync(Client, writes, cancellationToken);
        return revoked;
    }

    private static long? TtlOf(Dictionary<string, AttributeValue> item)
        => item.TryGetValue(DynamoDbSchema.Ttl, out var ttl) ? long.Parse(ttl.N, System.Globalization.CultureInfo.InvariantCulture) : null;

    private static Dictionary<string, AttributeValue> ReferenceCopy(Dictionary<string, AttributeValue> item) => new(item, StringComparer.Ordinal);

    private TransactWriteItem PutReferenceCopy(Dictionary<string, AttributeValue> item)
        => new() { Put = new Put { TableName = Tables.TokenReferences, Item = ReferenceCopy(item) } };

    private TransactWriteItem DeleteReferenceCopy(string referenceId)
        => new() { Delete = new Delete { TableName = Tables.TokenReferences, Key = Key(DynamoDbSchema.ReferenceId, referenceId) } };
}
