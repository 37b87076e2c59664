namespace McpAspire.AuthServer.Persistence.DataProtection;

/// <summary>Log messages of the Data Protection key ring. They name settings and key ids, never a secret.</summary>
internal static partial class DataProtectionLog
{
    [LoggerMessage(EventId = 3010, Level = LogLevel.Critical,
        Message = "{Setting} is not configured in environment {Environment}: the auth server does not start without a key-encryption key for the Data Protection key ring.")]
    public static partial void KeyEncryptionKeyMissing(ILogger logger, string setting, string environment);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Warning,
        Message = "{Setting} is not configured: the Data Protection key ring is encrypted with the DEVELOPMENT-ONLY key-encryption key.")]
    public static partial void DevelopmentKeyEncryptionKeyInUse(ILogger logger, string setting);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Information,
        Message = "Moved Data Protection key element {Id} from table {From} to table {To}, its secret encrypted.")]
    public static partial void LegacyElementMoved(ILogger logger, string id, string from, string to);
}
