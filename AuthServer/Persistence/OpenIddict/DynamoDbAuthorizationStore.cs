using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using McpAspire.AuthServer.Persistence.Infrastructure;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace McpAspire.AuthServer.Persistence.OpenIddict;

/// <summary>
/// OpenIddict's authorization store on DynamoDB: keyed by id, with GSIs on subject and application id.
/// The TTL attribute belongs to the TTL policy, not to the entity: ad-hoc authorizations start with a day
/// and the token store extends it past every token it adds; permanent ones never carry one. Updates
/// therefore use UpdateItem (never a whole-item Put) so they cannot shorten a TTL a token just extended, nor
/// drop the set of live tokens the token store keeps on the item.
/// <para>
/// An authorization leaving "valid" (revoked, or about to be deleted) revokes the tokens in its live set first, then
/// changes its status on condition that the set is still the one revoked (<see cref="TokenFamily"/>, which lists every
/// interleaving): that is what lets a token's own item answer for its authorization on introspection and redemption,
/// and what leaves the authorization valid, so that a retry redoes the revocation, when anything stops it half-way.
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
        authorization.StoredStatus = authorization.Status;
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
        long pruned = 0;
        await foreach (var authorization in ScanAsync(cancellationToken))
        {
            if (authorization.CreationDate is not { } created || created >= threshold)
            {
                continue;
            }

            // Not valid: its tracked tokens were revoked before its status changed, and no token joins it any more.
            if (authorization.Status != Statuses.Valid)
            {
                deletes.Add(DynamoDbBatchWriter.Delete(Table, Key(DynamoDbSchema.Id, authorization.Id)));
                continue;
            }

            var now = Clock.GetUtcNow().ToUnixTimeSeconds();
            if (authorization.Type != AuthorizationTypes.AdHoc
                || authorization.LoadedLiveTokens.Any(entry => !TokenFamily.HasExpired(entry, now))
                || await DynamoDbQueries.QueryIndexAsync(
                    Client, Tables.Tokens, DynamoDbSchema.AuthorizationIdIndex, DynamoDbSchema.AuthorizationId, authorization.Id, cancellationToken)
                    .AnyAsync(cancellationToken))
            {
                continue;
            }

            // Valid and apparently unused: the scan and the index are eventually consistent, so the delete is conditional
            // on the live set still holding nothing but the expired entries seen. A token that joined meanwhile keeps it.
            var (condition, names, values) = LiveSetIs(authorization.LoadedLiveTokens);
            names["#status"] = "status";
            values[":valid"] = new AttributeValue { S = Statuses.Valid };
            try
            {
                await Client.DeleteItemAsync(new DeleteItemRequest
                {
                    TableName = Table,
                    Key = Key(DynamoDbSchema.Id, authorization.Id),
                    ConditionExpression = "#status = :valid AND " + condition,
                    ExpressionAttributeNames = names,
                    ExpressionAttributeValues = values,
                }, cancellationToken);
                pruned++;
            }
            catch (ConditionalCheckFailedException)
            {
                // Used, revoked or deleted meanwhile: the next prune decides again.
            }
        }

        await DynamoDbBatchWriter.WriteAllAsync(Client, deletes, cancellationToken);
        return pruned + deletes.Count;
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

        var request = new UpdateItemRequest
        {
            TableName = Table,
            Key = Key(DynamoDbSchema.Id, authorization.Id),
            UpdateExpression = "SET " + string.Join(", ", set) + (remove.Count > 0 ? " REMOVE " + string.Join(", ", remove) : ""),
            ConditionExpression = condition,
            ExpressionAttributeNames = names,
            ExpressionAttributeValues = values,
        };
        try
        {
            if (authorization.Status == Statuses.Valid)
            {
                await Client.UpdateItemAsync(request, cancellationToken);
            }
            else if (await RevokeLiveTokensThenUpdateAsync(request, authorization.LoadedLiveTokens, expectedToken) is not { } live)
            {
                throw new OpenIddictExceptions.ConcurrencyException("The authorization was deleted by another request since it was read.");
            }
            else
            {
                authorization.LoadedLiveTokens = live;
            }
        }
        catch (Exception exception) when (exception is ConditionalCheckFailedException or TransactionConflictException)
        {
            authorization.ConcurrencyToken = expectedToken;
            authorization.Status = authorization.StoredStatus;
            throw ConcurrencyFailure(exception);
        }
        catch
        {
            // Whatever stopped it (a concurrency failure, throttling, DynamoDB unreachable), the stored status did not
            // change: the entity says so again, so that revoking it once more redoes the revocation.
            authorization.ConcurrencyToken = expectedToken;
            authorization.Status = authorization.StoredStatus;
            throw;
        }

        authorization.StoredStatus = authorization.Status;
    }

    /// <summary>
    /// Revokes every token of the live set, then applies <paramref name="update"/> (the status change) on its own
    /// condition and on condition that the set is exactly the one whose tokens were revoked; if a token joined or left
    /// meanwhile, DynamoDB returns the item as it is and the new set is revoked before the next try (<see cref="TokenFamily"/>).
    /// Not cancellable once started: the caller hanging up would otherwise leave a revocation half done for nobody to retry.
    /// </summary>
    /// <param name="seen">The set as last read, a starting guess (the condition checks it).</param>
    /// <param name="expectedToken">The concurrency token the update is conditional on, or null for a bulk revocation.</param>
    /// <returns>The set as it was when the status changed, or null when the item is gone.</returns>
    private async ValueTask<IReadOnlyList<string>?> RevokeLiveTokensThenUpdateAsync(
        UpdateItemRequest update, IReadOnlyList<string> seen, string? expectedToken)
    {
        var tokens = tokenStore as DynamoDbTokenStore
            ?? throw new InvalidOperationException("The DynamoDB authorization store needs the DynamoDB token store.");
        var ownCondition = update.ConditionExpression;
        var ownNames = update.ExpressionAttributeNames;
        var ownValues = update.ExpressionAttributeValues;
        update.ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD;
        var revoked = new HashSet<string>(StringComparer.Ordinal);
        for (var attempt = 1; ; attempt++)
        {
            // A token once revoked stays revoked (its new concurrency token fails any write from an older read).
            var pending = seen.Where(entry => !revoked.Contains(entry)).ToList();
            if (pending.Count > 0)
            {
                await tokens.RevokeTrackedAsync(pending, CancellationToken.None);
                revoked.UnionWith(pending);
            }

            var (setCondition, setNames, setValues) = LiveSetIs(seen);
            update.ConditionExpression = "(" + ownCondition + ") AND " + setCondition;
            update.ExpressionAttributeNames = new Dictionary<string, string>(ownNames.Concat(setNames), StringComparer.Ordinal);
            update.ExpressionAttributeValues = new Dictionary<string, AttributeValue>(ownValues.Concat(setValues), StringComparer.Ordinal);
            try
            {
                await Client.UpdateItemAsync(update, CancellationToken.None);
                return seen;
            }
            catch (ConditionalCheckFailedException exception) when (attempt < MaxRevocationRounds)
            {
                if (exception.Item is not { Count: > 0 } current)
                {
                    return null;
                }

                if (expectedToken is not null
                    && !(current.TryGetValue(DynamoDbSchema.ConcurrencyToken, out var token) && token.S == expectedToken))
                {
                    throw;
                }

                seen = current.TryGetValue(TokenFamily.LiveTokens, out var live) && live.SS is { } entries ? entries : [];
            }
            catch (TransactionConflictException) when (attempt < MaxRevocationRounds)
            {
                // A transaction (a token being issued or redeemed) was writing the item: try again, the condition decides.
            }
        }
    }

    /// <summary>
    /// At most this many rounds of "revoke the set, change the status": each further round needs a token issued or
    /// redeemed between the two steps, and a revoked refresh token issues no more, so a few suffice; past them the
    /// revocation fails (the authorization stays valid, and the caller may retry).
    /// </summary>
    private const int MaxRevocationRounds = 8;

    /// <summary>The condition "the live set is exactly <paramref name="entries"/>" (DynamoDB keeps no empty set: absent).</summary>
    private static (string Condition, Dictionary<string, string> Names, Dictionary<string, AttributeValue> Values) LiveSetIs(IReadOnlyList<string> entries)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal) { ["#live"] = TokenFamily.LiveTokens };
        var values = new Dictionary<string, AttributeValue>(StringComparer.Ordinal);
        if (entries.Count == 0)
        {
            return ("attribute_not_exists(#live)", names, values);
        }

        values[":seen"] = new AttributeValue { SS = [.. entries] };
        return ("#live = :seen", names, values);
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
        StoredStatus = item.String("status"),
        LoadedLiveTokens = item.Strings(TokenFamily.LiveTokens),
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
    /// Marks every authorization revoked, each as <see cref="UpdateAsync"/> does (its live set's tokens first, then the
    /// status on condition that the set is unchanged), with one UpdateItem of its status and concurrency token (revoked
    /// is terminal, so no condition on the concurrency token read: any concurrent update loses). Not a blind put of the
    /// item: that would drop the live set.
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

            var update = new UpdateItemRequest
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
            };
            try
            {
                if (await RevokeLiveTokensThenUpdateAsync(update, authorization.LoadedLiveTokens, expectedToken: null) is null)
                {
                    continue; // Deleted meanwhile (its tokens with it).
                }
            }
            catch (Exception exception) when (exception is ConditionalCheckFailedException or TransactionConflictException)
            {
                // Tokens kept joining through every round: this one stays valid (and the rest untouched) for a retry.
                throw ConcurrencyFailure(exception);
            }

            revoked++;
        }

        return revoked;
    }
}
