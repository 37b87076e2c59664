namespace McpAspire.AuthServer.Persistence.DataProtection;

/// <summary>
/// Configuration section <c>DataProtection</c>: the key-encryption key (KEK) that encrypts Data Protection's
/// master keys before they are stored (docs/persistence.md, "Keys"). The AppHost supplies it from the secret
/// parameter <c>data-protection-key-encryption-key</c> as <c>DataProtection__KeyEncryptionKey</c>.
/// </summary>
public sealed class KeyEncryptionOptions
{
    public const string SectionName = "DataProtection";
    public const string KeyEncryptionKeySetting = SectionName + ":" + nameof(KeyEncryptionKey);
    public const string PreviousKeyEncryptionKeysSetting = SectionName + ":" + nameof(PreviousKeyEncryptionKeys);

    /// <summary>A secret of at least this many characters: the AppHost generates 32 random letters and digits.</summary>
    public const int MinimumLength = 32;

    /// <summary>
    /// DEVELOPMENT ONLY, deliberately not secret: used when <see cref="KeyEncryptionKey"/> is not set and
    /// the environment is Development (a bare <c>dotnet run</c>, the persistence tests). Outside Development the
    /// server refuses to start without a configured key, so this value can never protect a deployed key ring.
    /// </summary>
    public const string DevelopmentOnlyKeyEncryptionKey = "DEVELOPMENT-ONLY-data-protection-kek-never-use-outside-development";

    /// <summary>The secret new master keys are encrypted under (and that decrypts them). Never logged.</summary>
    public string? KeyEncryptionKey { get; set; }

    /// <summary>
    /// Earlier key-encryption keys, for decryption only: while the KEK is being rotated, keys written under the old
    /// one stay readable (docs/persistence.md, "Rotating the key-encryption key").
    /// </summary>
    public IList<string> PreviousKeyEncryptionKeys { get; } = [];
}

/// <summary>Outside Development a key-encryption key is required; each configured key must be long enough.</summary>
internal sealed class KeyEncryptionOptionsValidation(IHostEnvironment environment, ILogger<KeyEncryptionOptionsValidation> logger)
    : IValidateOptions<KeyEncryptionOptions>
{
    public ValidateOptionsResult Validate(string? name, KeyEncryptionOptions options)
    {
        if (string.IsNullOrEmpty(options.KeyEncryptionKey) && !environment.IsDevelopment())
        {
            DataProtectionLog.KeyEncryptionKeyMissing(logger, KeyEncryptionOptions.KeyEncryptionKeySetting, environment.EnvironmentName);
            return ValidateOptionsResult.Fail(
                $"{KeyEncryptionOptions.KeyEncryptionKeySetting} must be configured outside Development: it encrypts the Data Protection " +
                "key ring at rest (the AppHost's secret parameter data-protection-key-encryption-key).");
        }

        if (options.KeyEncryptionKey is { Length: > 0 and < KeyEncryptionOptions.MinimumLength } ||
            options.PreviousKeyEncryptionKeys.Any(key => key.Length < KeyEncryptionOptions.MinimumLength))
        {
            return ValidateOptionsResult.Fail(
                $"{KeyEncryptionOptions.KeyEncryptionKeySetting} and {KeyEncryptionOptions.PreviousKeyEncryptionKeysSetting} " +
                $"must be random secrets of at least {KeyEncryptionOptions.MinimumLength} characters.");
        }

        return ValidateOptionsResult.Success;
    }
}
