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
/// OpenIddict's authorization store on DynamoDB: keyed by id, with GSIs on subject and application id.
/// The TTL attribute belongs to the TTL policy, not to the entity: ad-hoc authorizations start with a day
/// and the token store extends it past every token it adds; permanent ones never carry one. Updates
/// therefore use UpdateItem (never a whole-item Put) so they cannot shorten a TTL a token just extended, nor
/// drop the set of live tokens the token store keeps on the item.
/// <para>
/// An authorization leaving "valid" (revoked, or about to be deleted) revokes the tokens in its live set, read
/// atomically with the status change (<see cref="TokenFamily"/>): that is what lets a token's own item answer for
/// its authorization on introspection and redemption.
/// </para>
/// </summary>
public sealed class DynamoDbAuthorizationStore(
    IAmazonDynamoDB client, DynamoDbTableNames tables, TimeProvider clock, ILogger<DynamoDbAuthorizationStore> logger,
    IOpenIddictTokenStore<DynamoDbToken> tokenStore)
    : DynamoDbStoreBase<DynamoDbAuthorization>(client, tables, clock, logger), IOpenIddictAuthorizationStore<DynamoDbAuthorization>
{
    private static readonly string[] EntityAttributes =
        [DynamoDbSchema.ApplicationId, DynamoDbSchema.ConcurrencyToken, "creation_date", "properties", "scopes", "status", DynamoDbSchema.Subject, "type"];

    protected override string Table => Tables.Authorizations;

    public ValueTask<long> CountAsync<TResult>(Func<IQueryable<DynamoDbAuthorization>, IQueryable<TResult>> query, CancellationToken cancellationToken)
        => throw QueryableNotSupported();

    public async ValueTask CreateAsync(DynamoDbAuthorization authorization, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        var item = ToItem(authorization);
        if (authorization.Type == AuthorizationTypes.AdHoc)
        {
            authorization.LoadedTtl = (Clock.GetUtcNow() + TtlPolicy.AdHocAuthorizationInitialLifetime).ToUnixTimeSeconds();
            item[DynamoDbSchema.Ttl] = ItemWriter.NumberValue(authorization.LoadedTtl.Value);
        }

        await PutNewAsync(item, cancellationToken);
    }

    public async ValueTask DeleteAsync(DynamoDbAuthorization authorization, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorization);

        // Revoked first, with its live tokens: a tracked token is never left valid once its authorization is gone.
        if (authorization.Status != Statuses.Revoked)
        {
            authorization.Status = Statuses.Revoked;
            await UpdateAsync(authorization, cancellationToken);
        }

        await DeleteIfUnchangedAsync(Key(DynamoDbSchema.Id, authorization.Id), authorization.ConcurrencyToken, cancellationToken);

        // Like OpenIddict's own stores, deleting an authorization deletes its tokens.
        await DynamoDbCascade.DeleteTokensOfAuthorizationAsync(Client, Tables, authorization.Id, cancellationToken);
    }

    public IAsyncEnumerable<DynamoDbAuthorization> FindAsync(
        string? subject, string? client, string? status, string? type, ImmutableArray<string>? scopes, CancellationToken cancellationToken)
    {
        var candidates = subject is not null
            ? QueryIndexAsync(DynamoDbSchema.SubjectIndex, DynamoDbSchema.Subject, subject, cancellationToken)
            : client is not null
                ? QueryIndexAsync(DynamoDbSchema.ApplicationIdIndex, DynamoDbSchema.ApplicationId, client, cancellationToken)
                : ScanAsync(cancellationToken);

        return candidates.Where(authorization =>
            (subject is null || string.Equals(authorization.Subject, subject, StringComparison.Ordinal)) &&
            (client is null || string.Equals(authorization.ApplicationId, client, StringComparison.Ordinal)) &&
            (status is null || string.Equals(authorization.Status, status, StringComparison.Ordinal)) &&
            (type is null || string.Equals(authorization.Type, type, StringComparison.Ordinal)) &&
            (scopes is not { } required || required.All(scope => authorization.Scopes.Contains(scope, StringComparer.Ordinal))));
    }

    public IAsyncEnumerable<DynamoDbAuthorization> FindByApplicationIdAsync(string identifier, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        return QueryIndexAsync(DynamoDbSchema.ApplicationIdIndex, DynamoDbSchema.ApplicationId, identifier, cancellationToken);
    }

    public ValueTask<DynamoDbAuthorization?> FindByIdAsync(string identifier, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        return GetAsync(Table, Key(DynamoDbSchema.Id, identifier), cancellationToken);
    }

    public IAsyncEnumerable<DynamoDbAuthorization> FindBySubjectAsync(string subject, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        return QueryIndexAsync(DynamoDbSchema.SubjectIndex, DynamoDbSchema.Subject, subject, cancellationToken);
    }

    public ValueTask<string?> GetApplicationIdAsync(DynamoDbAuthorization authorization, CancellationToken cancellationToken)
        => new(authorization.ApplicationId);

    public ValueTask<TResult?> GetAsync<TState, TResult>(
        Func<IQueryable<DynamoDbAuthorization>, TState, IQueryable<TResult>> query, TState state, CancellationToken cancellationToken)
        => throw QueryableNotSupported();

    public ValueTask<DateTimeOffset?> GetCreationDateAsync(DynamoDbAuthorization authorization, CancellationToken cancellationToken)
        => new(authorization.CreationDate);

    public ValueTask<string?> GetIdAsync(DynamoDbAuthorization authorization, CancellationToken cancellationToken)
        => new(authorization.Id);

    public ValueTask<ImmutableDictionary<string, JsonElement>> GetPropertiesAsync(DynamoDbAuthorization authorization, CancellationToken cancellationToken)
        => new(authorization.Properties);

    public ValueTask<ImmutableArray<string>> GetScopesAsync(DynamoDbAuthorization authorization, CancellationToken cancellationToken)
        => new(authorization.Scopes);

    public ValueTask<string?> GetStatusAsync(DynamoDbAuthorization authorization, CancellationToken cancellationToken)
        => new(authorization.Status);

    public ValueTask<string?> GetSubjectAsync(DynamoDbAuthorization authorization, CancellationToken cancellationToken)
        => new(authorization.Subject);

    public ValueTask<string?> GetTypeAsync(DynamoDbAuthorization authorization, CancellationToken cancellationToken)
        => new(authorization.Type);

    public ValueTask<DynamoDbAuthorization> InstantiateAsync(CancellationToken cancellationToken) => new(new DynamoDbAuthorization());

    public IAsyncEnumerable<DynamoDbAuthorization> ListAsync(int? count, int? offset, CancellationToken cancellationToken)
        => ScanAsync(cancellationToken).Skip(offset ?? 0).Take(count ?? int.MaxValue);

    public IAsyncEnumerable<TResult> ListAsync<TState, TResult>(
        Func<IQueryable<DynamoDbAuthorization>, TState, IQueryable<TResult>> query, TState state, CancellationToken cancellationToken)
        => throw QueryableNotSupported();

    /// <summary>
    /// Administrative clean-up (a scan; no request path calls it, and TTL already removes expired items):
    /// deletes authorizations created before <paramref name="threshold"/> that are no longer valid, or
    /// ad-hoc ones left without tokens.
    /// </summary>
    public async ValueTask<long> PruneAsync(DateTimeOffset threshold, CancellationToken cancellationToken)
    {
        var deletes = new List<(string, WriteRequest)>();
        await foreach (var authorization in ScanAsync(cancellationToken))
        {
            if (authorization.CreationDate is not { } created || created >= threshold)
            {
                continue;
            }

            var prune = authorization.Status != Statuses.Valid;
            if (!prune && authorization.Type == AuthorizationTypes.AdHoc)
            {
                prune = !await DynamoDbQueries.QueryIndexAsync(
                    Client, Tables.Tokens, DynamoDbSchema.AuthorizationIdIndex, DynamoDbSchema.AuthorizationId, authorization.Id, cancellationToken)
                    .AnyAsync(cancellationToken);
            }

            if (prune)
            {
                deletes.Add(DynamoDbBatchWriter.Delete(Table, Key(DynamoDbSchema.Id, authorization.Id)));
            }
        }

        await DynamoDbBatchWriter.WriteAllAsync(Client, deletes, cancellationToken);
        return deletes.Count;
    }

    public ValueTask<long> RevokeAsync(string? subject, string? client, string? status, string? type, CancellationToken cancellationToken)
        => RevokeAllAsync(FindAsync(subject, client, status, type, scopes: null, cancellationToken), cancellationToken);

    public ValueTask<long> RevokeByApplicationIdAsync(string identifier, CancellationToken cancellationToken = default)
        => RevokeAllAsync(FindByApplicationIdAsync(identifier, cancellationToken), cancellationToken);

    public ValueTask<long> RevokeBySubjectAsync(string subject, CancellationToken cancellationToken = default)
        => RevokeAllAsync(FindBySubjectAsync(subject, cancellationToken), cancellationToken);

    public ValueTask SetApplicationIdAsync(DynamoDbAuthorization authorization, string? identifier, CancellationToken cancellationToken)
    {
        authorization.ApplicationId = identifier;
        return default;
    }

    public ValueTask SetCreationDateAsync(DynamoDbAuthorization authorization, DateTimeOffset? date, CancellationToken cancellationToken)
    {
        authorization.CreationDate = date;
        return default;
    }

    public ValueTask SetPropertiesAsync(DynamoDbAuthorization authorization, ImmutableDictionary<string, JsonElement> properties, CancellationToken cancellationToken)
    {
        authorization.Properties = properties;
        return default;
    }

    public ValueTask SetScopesAsync(DynamoDbAuthorization authorization, ImmutableArray<string> scopes, CancellationToken cancellationToken)
    {
        authorization.Scopes = scopes;
        return default;
    }

    public ValueTask SetStatusAsync(DynamoDbAuthorization authorization, string? status, CancellationToken cancellationToken)
    {
        authorization.Status = status;
        return default;
    }

    public ValueTask SetSubjectAsync(DynamoDbAuthorization authorization, string? subject, CancellationToken cancellationToken)
    {
        authorization.Subject = subject;
        return default;
    }

    public ValueTask SetTypeAsync(DynamoDbAuthorization authorization, string? type, CancellationToken cancellationToken)
    {
        authorization.Type = type;
        return default;
    }

    public async ValueTask UpdateAsync(DynamoDbAuthorization authorization, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        var expectedToken = authorization.ConcurrencyToken;
        authorization.ConcurrencyToken = NewConcurrencyToken();
        var item = ToItem(authorization);

        var (condition, names, values) = ConcurrencyCondition(expectedToken);
        var set = new List<string>();
        var remove = new List<string>();
        for (var index = 0; index < EntityAttributes.Length; index++)
        {
            var attribute = EntityAttributes[index];
            names[$"#a{index}"] = attribute;
            if (item.TryGetValue(attribute, out var value))
            {
                values[$":a{index}"] = value;
                set.Add($"#a{index} = :a{index}");
            }
            else
            {
                remove.Add($"#a{index}");
            }
        }

        // A permanent authorization must never be deleted by TTL; an ad-hoc one keeps the TTL its tokens gave it.
        if (authorization.Type != AuthorizationTypes.AdHoc)
        {
            names["#ttl"] = DynamoDbSchema.Ttl;
            remove.Add("#ttl");
        }

        UpdateItemResponse response;
        try
        {
            response = await Client.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = Table,
                Key = Key(DynamoDbSchema.Id, authorization.Id),
                UpdateExpression = "SET " + string.Join(", ", set) + (remove.Count > 0 ? " REMOVE " + string.Join(", ", remove) : ""),
                ConditionExpression = condition,
                ExpressionAttributeNames = names,
                ExpressionAttributeValues = values,
                // The live set as it is at the instant the status changes (TokenFamily).
                ReturnValues = authorization.Status == Statuses.Valid ? ReturnValue.NONE : ReturnValue.ALL_NEW,
            }, cancellationToken);
        }
        catch (Exception exception) when (exception is ConditionalCheckFailedException or TransactionConflictException)
        {
            authorization.ConcurrencyToken = expectedToken;
            throw ConcurrencyFailure(exception);
        }

        await RevokeLiveTokensAsync(response.Attributes);
    }

    /// <summary>
    /// Revokes the tokens named by the live set of an authorization item just marked not valid. Not cancellable: the
    /// status change is committed, and introspection no longer reads the authorization of these tokens, so stopping
    /// here (a client that hangs up) would leave them active until they expire.
    /// </summary>
    private async ValueTask RevokeLiveTokensAsync(Dictionary<string, AttributeValue>? item)
    {
        var cancellationToken = CancellationToken.None;
        if (item?.TryGetValue(TokenFamily.LiveTokens, out var live) == true && live.SS is { Count: > 0 } entries)
        {
            var tokens = tokenStore as DynamoDbTokenStore
                ?? throw new InvalidOperationException("The DynamoDB authorization store needs the DynamoDB token store.");
            await tokens.RevokeTrackedAsync(entries, cancellationToken);
        }
    }

    internal override DynamoDbAuthorization FromItem(ItemReader item) => new()
    {
        Id = item.Required(DynamoDbSchema.Id),
        ConcurrencyToken = item.Required(DynamoDbSchema.ConcurrencyToken),
        ApplicationId = item.String(DynamoDbSchema.ApplicationId),
        CreationDate = item.Date("creation_date"),
        Properties = JsonAttributes.ReadProperties(item.String("properties")),
        Scopes = JsonAttributes.ReadArray(item.String("scopes")),
        Status = item.String("status"),
        Subject = item.String(DynamoDbSchema.Subject),
        Type = item.String("type"),
        LoadedTtl = item.Number(DynamoDbSchema.Ttl),
    };

    internal override Dictionary<string, AttributeValue> ToItem(DynamoDbAuthorization authorization) => new ItemWriter()
        .String(DynamoDbSchema.Id, authorization.Id)
        .String(DynamoDbSchema.ConcurrencyToken, authorization.ConcurrencyToken)
        .String(DynamoDbSchema.ApplicationId, authorization.ApplicationId)
        .Date("creation_date", authorization.CreationDate)
        .String("properties", JsonAttributes.Write(authorization.Properties))
        .String("scopes", JsonAttributes.Write(authorization.Scopes))
        .String("status", authorization.Status)
        .String(DynamoDbSchema.Subject, authorization.Subject)
        .String("type", authorization.Type)
        .Item;

    /// <summary>
    /// Marks every authorization revoked, each with one UpdateItem of its status and concurrency token (revoked is
    /// terminal, so no condition on the token read: any concurrent update loses), which returns its live set at that
    /// instant; then that set's tokens are revoked. Not a blind put of the item: that would drop the live set.
    /// </summary>
    private async ValueTask<long> RevokeAllAsync(IAsyncEnumerable<DynamoDbAuthorization> authorizations, CancellationToken cancellationToken)
    {
        long revoked = 0;
        await foreach (var authorization in authorizations.WithCancellation(cancellationToken))
        {
            if (authorization.Status == Statuses.Revoked)
            {
                continue;
            }

            UpdateItemResponse response;
            try
            {
                response = await Client.UpdateItemAsync(new UpdateItemRequest
                {
                    TableName = Table,
                    Key = Key(DynamoDbSchema.Id, authorization.Id),
                    UpdateExpression = "SET #status = :revoked, #ct = :ct",
                    ConditionExpression = "attribute_exists(#id)",
                    ExpressionAttributeNames = new() { ["#status"] = "status", ["#ct"] = DynamoDbSchema.ConcurrencyToken, ["#id"] = DynamoDbSchema.Id },
                    ExpressionAttributeValues = new()
                    {
                        [":revoked"] = new AttributeValue { S = Statuses.Revoked },
                        [":ct"] = new AttributeValue { S = NewConcurrencyToken() },
                    },
                    ReturnValues = ReturnValue.ALL_NEW,
                }, cancellationToken);
            }
            catch (ConditionalCheckFailedException)
            {
                continue; // Deleted meanwhile (its tokens with it).
            }

            await RevokeLiveTokensAsync(response.Attributes);
            revoked++;
        }

        return revoked;
    }
}
