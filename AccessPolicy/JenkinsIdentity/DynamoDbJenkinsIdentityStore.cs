using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace McpAspire.AccessPolicy.JenkinsIdentity;

/// <summary>Where users' linked Jenkins identities are kept; the auth server's page reads, writes and removes its user's only.</summary>
public interface IJenkinsIdentityStore
{
    /// <summary>The subject's linked identity now (strongly consistent), or null.</summary>
    Task<LinkedJenkinsIdentity?> FindAsync(string subject, CancellationToken cancellationToken);

    /// <summary>Links (or replaces) the identity of <see cref="LinkedJenkinsIdentity.Subject"/>.</summary>
    Task SaveAsync(LinkedJenkinsIdentity identity, CancellationToken cancellationToken);

    /// <summary>Unlinks; true when there was a link.</summary>
    Task<bool> RemoveAsync(string subject, CancellationToken cancellationToken);
}

/// <summary>One item per user, keyed by subject, in <see cref="JenkinsIdentityTable.Name"/>: every operation is one call.</summary>
public sealed class DynamoDbJenkinsIdentityStore(IAmazonDynamoDB dynamoDb, IOptions<AccessPolicyStoreOptions> options) : IJenkinsIdentityStore
{
    private readonly string _table = JenkinsIdentityTable.Name(options.Value.TablePrefix);

    public async Task<LinkedJenkinsIdentity?> FindAsync(string subject, CancellationToken cancellationToken)
    {
        var response = await dynamoDb.GetItemAsync(new GetItemRequest { TableName = _table, Key = Key(subject), ConsistentRead = true }, cancellationToken);
        return LinkedJenkinsIdentity.FromItem(response.Item);
    }

    public Task SaveAsync(LinkedJenkinsIdentity identity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identity);
        return dynamoDb.PutItemAsync(new PutItemRequest { TableName = _table, Item = identity.ToItem() }, cancellationToken);
    }

    public async Task<bool> RemoveAsync(string subject, CancellationToken cancellationToken)
    {
        var response = await dynamoDb.DeleteItemAsync(new DeleteItemRequest
        {
            TableName = _table,
            Key = Key(subject),
            ReturnValues = ReturnValue.ALL_OLD,
        }, cancellationToken);
        return response.Attributes is { Count: > 0 };
    }

    internal static Dictionary<string, AttributeValue> Key(string subject)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        return new() { [JenkinsIdentityTable.Subject] = new AttributeValue { S = subject } };
    }
}
