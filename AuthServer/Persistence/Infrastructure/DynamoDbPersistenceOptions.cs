namespace McpAspire.AuthServer.Persistence.Infrastructure;

/// <summary>Configuration section <c>DynamoDb</c>: how the auth server names and provisions its tables.</summary>
public sealed class DynamoDbPersistenceOptions
{
    public const string SectionName = "DynamoDb";

    /// <summary>Every table name starts with this prefix and a dash (the AppHost sets <c>DynamoDb__TablePrefix</c>).</summary>
    public string TablePrefix { get; set; } = "mcpaspire";

    /// <summary>
    /// Create the tables and their TTL settings at start-up when they are missing. The AppHost sets it only
    /// for DynamoDB Local; in production the tables are created by the explicit step in docs/persistence.md,
    /// so the service's AWS identity needs no CreateTable right.
    /// </summary>
    public bool CreateTables { get; set; }

    /// <summary>
    /// How long an application read by client id is reused before DynamoDB is read again (zero: never reused).
    /// Changes made through this process take effect at once; changes made by another replica within this time.
    /// Tokens and authorizations are never cached.
    /// </summary>
    public TimeSpan ApplicationCacheDuration { get; set; } = TimeSpan.FromSeconds(30);
}
