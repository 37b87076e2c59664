namespace McpAspire.AuthServer.Persistence.Infrastructure;

/// <summary>Source-generated log messages of the persistence layer. None of them carries a secret.</summary>
internal static partial class PersistenceLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Error,
        Message = "Malformed item in DynamoDB table {Table} (key {Key}): {Problem}. It is treated as absent; repair or delete it.")]
    public static partial void MalformedItem(ILogger logger, string table, string key, string problem);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Created DynamoDB table {Table}.")]
    public static partial void TableCreated(ILogger logger, string table);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Enabled TTL on attribute '{Attribute}' of DynamoDB table {Table}.")]
    public static partial void TtlEnabled(ILogger logger, string table, string attribute);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning,
        Message = "DynamoDB is unavailable ({Reason}) while serving {Method} {Path}; answered 503.")]
    public static partial void DynamoDbUnavailable(ILogger logger, string reason, string method, string path, Exception exception);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Information, Message = "Created user {UserName}.")]
    public static partial void UserCreated(ILogger logger, string userName);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Information, Message = "Created OpenIddict {Use} key {KeyId} in DynamoDB.")]
    public static partial void ServerKeyCreated(ILogger logger, string use, string keyId);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Warning,
        Message = "Admin:Password is not configured: no admin user was seeded.")]
    public static partial void AdminPasswordMissing(ILogger logger);
}
