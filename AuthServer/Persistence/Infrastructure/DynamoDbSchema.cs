using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace McpAspire.AuthServer.Persistence.Infrastructure;

/// <summary>
/// The table design (docs/persistence.md explains it): one table per entity, keyed by id, with a global
/// secondary index for every lookup OpenIddict's managers make, so no request path scans a table.
/// </summary>
public static class DynamoDbSchema
{
    public const string Id = "id";
    public const string ConcurrencyToken = "concurrency_token";

    /// <summary>Unix seconds; DynamoDB deletes the item some time after it (lazily: reads check it too).</summary>
    public const string Ttl = "ttl";

    public const string SubjectIndex = "subject-index";
    public const string ApplicationIdIndex = "application_id-index";
    public const string AuthorizationIdIndex = "authorization_id-index";
    public const string NameIndex = "name-index";

    /// <summary>Key of an application lookup copy: "client_id|…", "redirect_uri|…" or "post_logout_redirect_uri|…".</summary>
    public const string Lookup = "lookup";
    public const string ApplicationId = "application_id";
    public const string AuthorizationId = "authorization_id";
    public const string Subject = "subject";
    public const string Name = "name";
    public const string ReferenceId = "reference_id";
    public const string KeyPurpose = "purpose";
    public const string NormalizedUserName = "normalized_user_name";

    /// <summary>Key of an external login: "issuer#subject" (an issuer URL has no '#').</summary>
    public const string ExternalLoginKey = "external_login";

    /// <summary>Key of a coordination item: "login|…", "registration|…" or "lock|…".</summary>
    public const string CoordinationKey = "key";

    /// <summary>The CreateTable requests of every table; TTL is enabled separately (see <see cref="TtlTables"/>).</summary>
    public static IReadOnlyList<CreateTableRequest> CreateTableRequests(DynamoDbTableNames names) =>
    [
        Table(names.Applications, [Hash(Id)]),
        Table(names.ApplicationLookups, [Hash(Lookup), Range(ApplicationId)]),
        Table(names.Authorizations, [Hash(Id)], Index(SubjectIndex, Subject), Index(ApplicationIdIndex, ApplicationId)),
        Table(names.Scopes, [Hash(Id)], Index(NameIndex, Name)),
        Table(names.Tokens, [Hash(Id)],
            Index(AuthorizationIdIndex, AuthorizationId), Index(SubjectIndex, Subject), Index(ApplicationIdIndex, ApplicationId)),
        Table(names.TokenReferences, [Hash(ReferenceId)]),
        Table(names.Keys, [Hash(KeyPurpose), Range(Id)]),
        Table(names.DataProtectionKeys, [Hash(KeyPurpose), Range(Id)]),
        Table(names.Users, [Hash(NormalizedUserName)]),
        Table(names.Coordination, [Hash(CoordinationKey)]),
        Table(names.ExternalLogins, [Hash(ExternalLoginKey)]),
        Table(names.AccessPolicy, [Hash(Id)]),
        Table(names.JenkinsIdentities, [Hash(McpAspire.AccessPolicy.JenkinsIdentity.JenkinsIdentityTable.Subject)]),
        Table(names.JenkinsIdentityKeys, [Hash(KeyPurpose), Range(Id)]),
    ];

    /// <summary>The tables whose items may carry the <see cref="Ttl"/> attribute.</summary>
    public static IReadOnlyList<string> TtlTables(DynamoDbTableNames names) =>
        [names.Applications, names.ApplicationLookups, names.Authorizations, names.Tokens, names.TokenReferences, names.Coordination];

    private static (string Name, KeyType Type) Hash(string name) => (name, KeyType.HASH);

    private static (string Name, KeyType Type) Range(string name) => (name, KeyType.RANGE);

    private static GlobalSecondaryIndex Index(string indexName, string hashAttribute) => new()
    {
        IndexName = indexName,
        KeySchema = [new KeySchemaElement(hashAttribute, KeyType.HASH)],
        // ALL: every lookup returns whole entities in one Query, without a GetItem per result.
        Projection = new Projection { ProjectionType = ProjectionType.ALL },
    };

    private static CreateTableRequest Table(string name, (string Name, KeyType Type)[] keys, params GlobalSecondaryIndex[] indexes)
    {
        var attributes = keys.Select(key => key.Name)
            .Concat(indexes.SelectMany(index => index.KeySchema.Select(key => key.AttributeName)))
            .Distinct(StringComparer.Ordinal)
            .Select(attribute => new AttributeDefinition(attribute, ScalarAttributeType.S))
            .ToList();

        var request = new CreateTableRequest
        {
            TableName = name,
            BillingMode = BillingMode.PAY_PER_REQUEST,
            KeySchema = [.. keys.Select(key => new KeySchemaElement(key.Name, key.Type))],
            AttributeDefinitions = attributes,
        };
        if (indexes.Length > 0)
        {
            request.GlobalSecondaryIndexes = [.. indexes];
        }

        return request;
    }
}
