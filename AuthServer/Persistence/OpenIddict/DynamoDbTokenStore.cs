using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using McpAspire.AuthServer.Persistence.Infrastructure;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace McpAspire.AuthServer.Persistence.OpenIddict;

/// <summary>
/// OpenIddict's token store on DynamoDB. The token item is keyed by id, with GSIs on authorization id,
/// subject and application id. A reference token (opaque access or refresh token) also has a full copy
/// keyed by its hashed reference id, written in the same transaction, so introspection and redemption
/// find it with one strongly consistent GetItem. Every write carries the TTL of <see cref="TtlPolicy"/>
/// and keeps the authorization's TTL past it.
/// <para>
/// A new token is written by one conditional transaction: the token, its reference copy (on condition that the
/// reference id is not taken, which replaces OpenIddict's read to check it) and its authorization (on condition
/// that it is still valid: its TTL raised when needed, the token added to its live set, see <see cref="TokenFamily"/>).
/// When OpenIddict creates an entry whose payload it attaches next (<see cref="DynamoDbToken.WriteDeferred"/>),
/// nothing is written until then.
/// </para>
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
        if (token.WriteDeferred)
        {
            // Written whole by the UpdateAsync that attaches its payload, in the same request.
            return;
        }

        await WriteNewAsync(token, cancellationToken);
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
        if (token.WriteDeferred)
        {
            await WriteNewAsync(token, cancellationToken);
            token.WriteDeferred = false;
            return;
        }

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
            actions.Add(PutReferenceCopy(item, token.Id));
        }

        if (token.StoredReferenceId is not null && !string.Equals(token.StoredReferenceId, token.ReferenceId, StringComparison.Ordinal))
        {
            actions.Add(DeleteReferenceCopy(token.StoredReferenceId));
        }

        if (token.AuthorizationTracked && token.AuthorizationId is not null)
        {
            if (token.StoredStatus == Statuses.Valid && token.Status != Statuses.Valid)
            {
                // Redeemed or revoked: it leaves its authorization's set in the same transaction (no revocation needs
                // to reach it any more), which keeps the set small along a chain of rotating refresh tokens.
                actions.Add(UpdateLiveTokens(token.AuthorizationId, "DELETE", TokenFamily.Entry(token.Id, token.StoredTtl)));
            }
            else if (TtlOf(item) != token.StoredTtl)
            {
                // A new TTL: a new entry, so that pruning by TTL never drops a token that still lives.
                actions.Add(UpdateLiveTokens(token.AuthorizationId, "ADD", TokenFamily.Entry(token.Id, TtlOf(item))));
            }
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
        token.StoredStatus = token.Status;
    }

    /// <summary>
    /// Marks revoked the tracked tokens an authorization's set names (<see cref="TokenFamily"/>): read by key, strongly
    /// consistent, in batches of 100, then written as <see cref="RevokeAllAsync"/> does. Tokens already revoked, gone or
    /// past their TTL are skipped, so running it again over the same set writes nothing.
    /// </summary>
    internal async ValueTask<long> RevokeTrackedAsync(IEnumerable<string> entries, CancellationToken cancellationToken)
    {
        var ids = entries.Select(TokenFamily.TokenIdOf).Distinct(StringComparer.Ordinal).ToList();
        var tokens = new List<DynamoDbToken>();
        foreach (var chunk in ids.Chunk(100))
        {
            var keys = chunk.Select(id => Key(DynamoDbSchema.Id, id)).ToList();
            for (var attempt = 0; keys.Count > 0; attempt++)
            {
                if (attempt > 0)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(1000, 25 << Math.Min(attempt, 6))), cancellationToken);
                }

                var response = await Client.BatchGetItemAsync(new BatchGetItemRequest
                {
                    RequestItems = new() { [Table] = new KeysAndAttributes { Keys = keys, ConsistentRead = true } },
                }, cancellationToken);
                if (response.Responses?.TryGetValue(Table, out var items) == true)
                {
                    tokens.AddRange(items.Select(found => Materialize(found)).OfType<DynamoDbToken>());
                }

                keys = response.UnprocessedKeys?.TryGetValue(Table, out var unprocessed) == true ? unprocessed.Keys ?? [] : [];
            }
        }

        return await RevokeAllAsync(tokens.ToAsyncEnumerable(), cancellationToken);
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
        token.StoredStatus = token.Status;
        token.AuthorizationTracked = item.Flag(TokenFamily.Tracked);
        token.RevokedBeforeAuthorization = item.Flag(TokenFamily.RevokedFirst);
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
        .Flag(TokenFamily.Tracked, token.AuthorizationTracked)
        .Flag(TokenFamily.RevokedFirst, token.RevokedBeforeAuthorization)
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

    /// <summary>
    /// The reference copy, on condition that its reference id is free or already this token's: DynamoDB enforces that
    /// reference ids are unique, so OpenIddict's read to check it is not needed (<c>FamilyRevokingTokenManager</c>).
    /// </summary>
    private TransactWriteItem PutReferenceCopy(Dictionary<string, AttributeValue> item, string tokenId) => new()
    {
        Put = new Put
        {
            TableName = Tables.TokenReferences,
            Item = ReferenceCopy(item),
            ConditionExpression = "attribute_not_exists(#ref) OR #id = :id",
            ExpressionAttributeNames = new() { ["#ref"] = DynamoDbSchema.ReferenceId, ["#id"] = DynamoDbSchema.Id },
            ExpressionAttributeValues = new() { [":id"] = new AttributeValue { S = tokenId } },
        },
    };

    private TransactWriteItem UpdateLiveTokens(string authorizationId, string operation, string entry) => new()
    {
        Update = new Update
        {
            TableName = Tables.Authorizations,
            Key = Key(DynamoDbSchema.Id, authorizationId),
            UpdateExpression = $"{operation} #live :entry",
            ConditionExpression = "attribute_exists(#id)",
            ExpressionAttributeNames = new() { ["#live"] = TokenFamily.LiveTokens, ["#id"] = DynamoDbSchema.Id },
            ExpressionAttributeValues = new() { [":entry"] = new AttributeValue { SS = [entry] } },
        },
    };

    /// <summary>
    /// Writes a new token in one conditional transaction: the token (its id unused), its reference copy (its reference id
    /// unused) and, when it belongs to an authorization, that authorization (still valid; TTL raised past the token's when
    /// needed; the token added to its live set while there is room). What the authorization needs is predicted (an access
    /// token usually finds the TTL long enough, a refresh token or code raises it); a wrong guess costs one more
    /// transaction, planned from the authorization as the failed one saw it.
    /// </summary>
    private async ValueTask WriteNewAsync(DynamoDbToken token, CancellationToken cancellationToken)
    {
        var tokenTtl = TtlPolicy.ForToken(token.Type, token.ExpirationDate);
        var plan = token.AuthorizationId is null
            ? AuthorizationPlan.None
            : new AuthorizationPlan(Present: true, Raise: tokenTtl is not null && token.Type is not (TokenTypeIdentifiers.AccessToken or TokenTypeHints.AccessToken), Track: true);

        for (var attempt = 0; ; attempt++)
        {
            token.AuthorizationTracked = plan.Track;
            token.RevokedBeforeAuthorization = plan.Track;
            var item = ToItem(token);
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
                actions.Add(PutReferenceCopy(item, token.Id));
            }

            if (plan.Present)
            {
                actions.Add(AuthorizationAction(token, tokenTtl, plan));
            }

            try
            {
                await PutAloneOrTransactAsync(actions, cancellationToken);
                token.StoredReferenceId = token.ReferenceId;
                token.StoredTtl = TtlOf(item);
                token.StoredStatus = token.Status;
                return;
            }
            catch (TransactionCanceledException exception) when (attempt == 0 && plan.Present
                && exception.CancellationReasons is { } reasons && reasons.Count == actions.Count
                && reasons[^1].Code == "ConditionalCheckFailed"
                && reasons.Take(actions.Count - 1).All(reason => reason.Code is null or "None"))
            {
                plan = await ReplanAsync(token, tokenTtl, reasons[^1].Item, cancellationToken);
            }
            catch (TransactionCanceledException exception) when (IsConditionFailure(exception))
            {
                token.AuthorizationTracked = false;
                token.RevokedBeforeAuthorization = false;
                throw ConcurrencyFailure(exception);
            }
            catch (Exception exception) when (exception is ConditionalCheckFailedException or TransactionConflictException)
            {
                token.AuthorizationTracked = false;
                token.RevokedBeforeAuthorization = false;
                throw ConcurrencyFailure(exception);
            }
        }
    }

    /// <param name="Present">The token has an authorization, which the transaction checks.</param>
    /// <param name="Raise">The authorization's TTL is raised to outlive the token (else it must already).</param>
    /// <param name="Track">The token joins the authorization's live set (else the set must not matter).</param>
    private readonly record struct AuthorizationPlan(bool Present, bool Raise, bool Track)
    {
        public static AuthorizationPlan None => default;
    }

    private TransactWriteItem AuthorizationAction(DynamoDbToken token, long? tokenTtl, AuthorizationPlan plan)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal) { ["#status"] = "status" };
        var values = new Dictionary<string, AttributeValue>(StringComparer.Ordinal) { [":valid"] = new AttributeValue { S = Statuses.Valid } };
        var condition = "#status = :valid";
        var updates = new List<string>();
        if (tokenTtl is { } ttl)
        {
            names["#ttl"] = DynamoDbSchema.Ttl;
            values[":ttl"] = ItemWriter.NumberValue(TtlPolicy.ForAuthorizationOf(ttl));
            if (plan.Raise)
            {
                // Only an existing TTL is raised, and never lowered: a permanent authorization never gets one. (Equal
                // passes: two tokens issued within the same second ask for the same TTL.)
                condition += " AND #ttl <= :ttl";
                updates.Add("SET #ttl = :ttl");
            }
            else
            {
                condition += " AND (attribute_not_exists(#ttl) OR #ttl >= :ttl)";
            }
        }

        if (plan.Track)
        {
            names["#live"] = TokenFamily.LiveTokens;
            values[":entry"] = new AttributeValue { SS = [TokenFamily.Entry(token.Id, tokenTtl)] };
            values[":capacity"] = ItemWriter.NumberValue(TokenFamily.Capacity);
            condition += " AND (attribute_not_exists(#live) OR size(#live) < :capacity)";
            updates.Add("ADD #live :entry");
        }

        var key = Key(DynamoDbSchema.Id, token.AuthorizationId!);
        return updates.Count == 0
            ? new TransactWriteItem
            {
                ConditionCheck = new ConditionCheck
                {
                    TableName = Tables.Authorizations,
                    Key = key,
                    ConditionExpression = condition,
                    ExpressionAttributeNames = names,
                    ExpressionAttributeValues = values,
                    ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
                },
            }
            : new TransactWriteItem
            {
                Update = new Update
                {
                    TableName = Tables.Authorizations,
                    Key = key,
                    UpdateExpression = string.Join(" ", updates),
                    ConditionExpression = condition,
                    ExpressionAttributeNames = names,
                    ExpressionAttributeValues = values,
                    ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
                },
            };
    }

    /// <summary>
    /// The plan for the second attempt, from the authorization as the first one saw it: none when it is gone (the token
    /// is written as before this scheme, and its introspection then finds no authorization), a concurrency failure
    /// when it is no longer valid (no token is ever written for a revoked authorization), else exactly what it needs.
    /// A full set is first pruned of entries past their TTL.
    /// </summary>
    private async ValueTask<AuthorizationPlan> ReplanAsync(
        DynamoDbToken token, long? tokenTtl, Dictionary<string, AttributeValue>? authorization, CancellationToken cancellationToken)
    {
        if (authorization is not { Count: > 0 })
        {
            return AuthorizationPlan.None;
        }

        if (!authorization.TryGetValue("status", out var status) || status.S != Statuses.Valid)
        {
            throw new OpenIddictExceptions.ConcurrencyException("The token's authorization is no longer valid.");
        }

        var currentTtl = authorization.TryGetValue(DynamoDbSchema.Ttl, out var ttlValue) && long.TryParse(
            ttlValue.N, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var parsed) ? parsed : (long?)null;
        var raise = tokenTtl is { } ttl && currentTtl is { } current && current <= TtlPolicy.ForAuthorizationOf(ttl);

        var live = authorization.TryGetValue(TokenFamily.LiveTokens, out var set) ? set.SS ?? [] : [];
        var track = live.Count < TokenFamily.Capacity;
        if (!track)
        {
            var now = Clock.GetUtcNow().ToUnixTimeSeconds();
            var expired = live.Where(entry => TokenFamily.HasExpired(entry, now)).ToList();
            if (expired.Count > 0)
            {
                await Client.UpdateItemAsync(new UpdateItemRequest
                {
                    TableName = Tables.Authorizations,
                    Key = Key(DynamoDbSchema.Id, token.AuthorizationId!),
                    UpdateExpression = "DELETE #live :expired",
                    ConditionExpression = "attribute_exists(#id)",
                    ExpressionAttributeNames = new() { ["#live"] = TokenFamily.LiveTokens, ["#id"] = DynamoDbSchema.Id },
                    ExpressionAttributeValues = new() { [":expired"] = new AttributeValue { SS = expired } },
                }, cancellationToken);
                track = live.Count - expired.Count < TokenFamily.Capacity;
            }
        }

        return new AuthorizationPlan(Present: true, Raise: raise, Track: track);
    }

    private TransactWriteItem DeleteReferenceCopy(string referenceId)
        => new() { Delete = new Delete { TableName = Tables.TokenReferences, Key = Key(DynamoDbSchema.ReferenceId, referenceId) } };
}
