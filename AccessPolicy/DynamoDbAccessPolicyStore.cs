using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using McpAspire.AccessPolicy.JenkinsIdentity;

namespace McpAspire.AccessPolicy;

/// <summary>
/// The policy in DynamoDB: one item holds the whole document and its version, in the table
/// <c>&lt;prefix&gt;-jenkins-access-policy</c> (<see cref="AccessPolicyTable"/>). Reads are one strongly consistent
/// <c>GetItem</c>, so a saved change applies to the very next read on every replica. Saves are a conditional
/// <c>PutItem</c> on the version the administrator saw: of two administrators editing at once, the second is told of the
/// conflict and nothing the first saved is lost.
/// </summary>
public sealed class DynamoDbAccessPolicyStore(IAmazonDynamoDB dynamoDb, IOptions<AccessPolicyStoreOptions> options, TimeProvider time) : IAccessPolicyStore
{
    private readonly string _table = AccessPolicyTable.Name(options.Value.TablePrefix);
    private readonly string _identities = JenkinsIdentityTable.Name(options.Value.TablePrefix);

    public string TableName => _table;

    public async Task<AccessPolicyDocument> ReadAsync(CancellationToken cancellationToken)
    {
        var response = await dynamoDb.GetItemAsync(new GetItemRequest
        {
            TableName = _table,
            Key = Key(),
            ConsistentRead = true,
        }, cancellationToken);
        return Parse(response.Item);
    }

    /// <summary>
    /// The policy and the user's linked Jenkins identity in ONE strongly consistent <c>BatchGetItem</c> across the two
    /// tables: a tool call of a user costs one round trip, as one of a machine client (<see cref="ReadAsync"/>) does, and
    /// an unlink applies to the very next call. Keys DynamoDB leaves unprocessed (throttling) are asked again, a few times.
    /// </summary>
    public async Task<(AccessPolicyDocument Policy, LinkedJenkinsIdentity? Identity)> ReadWithIdentityAsync(string subject, CancellationToken cancellationToken)
    {
        var request = new BatchGetItemRequest
        {
            RequestItems = new()
            {
                [_table] = new KeysAndAttributes { Keys = [Key()], ConsistentRead = true },
                [_identities] = new KeysAndAttributes { Keys = [DynamoDbJenkinsIdentityStore.Key(subject)], ConsistentRead = true },
            },
        };
        Dictionary<string, AttributeValue>? policy = null, identity = null;
        for (var attempt = 1; ; attempt++)
        {
            var response = await dynamoDb.BatchGetItemAsync(request, cancellationToken);
            foreach (var (table, items) in response.Responses ?? [])
            {
                if (items is [var item, ..])
                {
                    (table == _table ? ref policy : ref identity) = item;
                }
            }

            if (response.UnprocessedKeys is not { Count: > 0 } unprocessed)
            {
                break;
            }

            if (attempt == MaxBatchAttempts)
            {
                throw new AmazonDynamoDBException($"DynamoDB left keys of the policy and identity read unprocessed {MaxBatchAttempts} times (throttled).");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(25 << attempt), time, cancellationToken);
            request = new BatchGetItemRequest { RequestItems = unprocessed };
        }

        return (Parse(policy), LinkedJenkinsIdentity.FromItem(identity));
    }

    private const int MaxBatchAttempts = 4;

    private static AccessPolicyDocument Parse(Dictionary<string, AttributeValue>? item)
    {
        if (item is not { Count: > 0 })
        {
            return AccessPolicyDocument.Default;
        }

        if (!item.TryGetValue(AccessPolicyTable.Version, out var versionValue)
            || !long.TryParse(versionValue.N, NumberStyles.None, CultureInfo.InvariantCulture, out var version) || version < 1)
        {
            throw new AccessPolicyFormatException($"The stored policy has no valid '{AccessPolicyTable.Version}'.");
        }

        if (!item.TryGetValue(AccessPolicyTable.Rules, out var rulesValue) || rulesValue.S is null)
        {
            throw new AccessPolicyFormatException($"The stored policy (version {version}) has no '{AccessPolicyTable.Rules}' document.");
        }

        try
        {
            return new AccessPolicyDocument(version, AccessPolicyJson.Read(rulesValue.S));
        }
        catch (AccessPolicyFormatException exception)
        {
            // The version is known: an administrator can replace the broken document without losing the version check.
            throw new AccessPolicyFormatException($"The stored policy (version {version}) cannot be read. {exception.Message}", exception) { StoredVersion = version };
        }
    }

    public async Task<AccessPolicyDocument> SaveAsync(IReadOnlyList<AccessRule> rules, long expectedVersion, string updatedBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedVersion);
        var saved = new AccessPolicyDocument(expectedVersion + 1, rules);
        var item = Key();
        item[AccessPolicyTable.Version] = new AttributeValue { N = saved.Version.ToString(CultureInfo.InvariantCulture) };
        item[AccessPolicyTable.Rules] = new AttributeValue { S = AccessPolicyJson.Write(saved.Rules) };
        item[AccessPolicyTable.UpdatedAt] = new AttributeValue { S = time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture) };
        item[AccessPolicyTable.UpdatedBy] = new AttributeValue { S = updatedBy ?? "" };
        var request = new PutItemRequest { TableName = _table, Item = item };
        if (expectedVersion == 0)
        {
            // Nothing stored yet (the default applied): only the first save may create the item.
            request.ConditionExpression = "attribute_not_exists(#id)";
            request.ExpressionAttributeNames = new() { ["#id"] = AccessPolicyTable.Id };
        }
        else
        {
            request.ConditionExpression = "#version = :expected";
            request.ExpressionAttributeNames = new() { ["#version"] = AccessPolicyTable.Version };
            request.ExpressionAttributeValues = new() { [":expected"] = new AttributeValue { N = expectedVersion.ToString(CultureInfo.InvariantCulture) } };
        }

        try
        {
            await dynamoDb.PutItemAsync(request, cancellationToken);
        }
        catch (ConditionalCheckFailedException exception)
        {
            throw new AccessPolicyConflictException(expectedVersion, exception);
        }

        return saved;
    }

    private static Dictionary<string, AttributeValue> Key() => new() { [AccessPolicyTable.Id] = new AttributeValue { S = AccessPolicyTable.PolicyId } };
}

/// <summary>Where the policy is kept; <see cref="DynamoDbAccessPolicyStore"/> in every deployment, a fake in unit tests.</summary>
public interface IAccessPolicyStore
{
    /// <summary>The policy now (strongly consistent); <see cref="AccessPolicyDocument.Default"/> when none was ever stored.</summary>
    /// <exception cref="AccessPolicyFormatException">The stored item cannot be read as a policy.</exception>
    Task<AccessPolicyDocument> ReadAsync(CancellationToken cancellationToken);

    /// <summary>The policy and the user <paramref name="subject"/>'s linked Jenkins identity (or null), both now, in one round trip.</summary>
    /// <exception cref="AccessPolicyFormatException">The stored policy or identity item cannot be read.</exception>
    Task<(AccessPolicyDocument Policy, LinkedJenkinsIdentity? Identity)> ReadWithIdentityAsync(string subject, CancellationToken cancellationToken);

    /// <summary>Replaces the policy of version <paramref name="expectedVersion"/> (0: none stored) by <paramref name="rules"/>.</summary>
    /// <exception cref="AccessPolicyConflictException">Someone saved another version since.</exception>
    Task<AccessPolicyDocument> SaveAsync(IReadOnlyList<AccessRule> rules, long expectedVersion, string updatedBy, CancellationToken cancellationToken);
}

/// <summary>The policy changed since the version a save expected.</summary>
public sealed class AccessPolicyConflictException : Exception
{
    public AccessPolicyConflictException(long expectedVersion, Exception? inner = null)
        : base($"The access policy was changed by someone else after version {expectedVersion.ToString(CultureInfo.InvariantCulture)} was loaded; this change was not saved.", inner)
    {
        ExpectedVersion = expectedVersion;
    }

    public AccessPolicyConflictException()
    {
    }

    public AccessPolicyConflictException(string message)
        : base(message)
    {
    }

    public AccessPolicyConflictException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public long ExpectedVersion { get; }
}

/// <summary>Configuration section <c>DynamoDb</c>, the one the auth server's tables are named by.</summary>
public sealed class AccessPolicyStoreOptions
{
    public string TablePrefix { get; set; } = "mcpaspire";
}

/// <summary>
/// The table's name and attributes: partition key <see cref="Id"/> (a string), one item (<see cref="PolicyId"/>), no index,
/// no TTL. The auth server creates it with its other tables (<c>DynamoDbSchema</c>).
/// </summary>
public static class AccessPolicyTable
{
    public const string Id = "id";
    public const string PolicyId = "jenkins-access-policy";
    public const string Version = "version";
    public const string Rules = "rules";
    public const string UpdatedAt = "updated_at";
    public const string UpdatedBy = "updated_by";

    /// <summary><c>&lt;prefix&gt;-jenkins-access-policy</c>, beside the auth server's <c>&lt;prefix&gt;-auth-*</c> tables.</summary>
    public static string Name(string prefix)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        return $"{prefix}-jenkins-access-policy";
    }
}
