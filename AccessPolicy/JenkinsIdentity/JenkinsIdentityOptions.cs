namespace McpAspire.AccessPolicy.JenkinsIdentity;

/// <summary>
/// Configuration section <c>JenkinsIdentity</c>, the same in both services: the key-encryption key of the linked tokens'
/// key ring. The AppHost supplies it from the secret parameter <c>jenkins-identity-key-encryption-key</c> as
/// <c>JenkinsIdentity__KeyEncryptionKey</c>; it is not the auth server's <c>DataProtection:KeyEncryptionKey</c>, which the
/// MCP server never receives.
/// </summary>
public sealed class JenkinsIdentityOptions
{
    public const string SectionName = "JenkinsIdentity";
    public const string KeyEncryptionKeySetting = SectionName + ":" + nameof(KeyEncryptionKey);
    public const string PreviousKeyEncryptionKeysSetting = SectionName + ":" + nameof(PreviousKeyEncryptionKeys);
    public const int MinimumLength = 32;

    /// <summary>DEVELOPMENT ONLY, deliberately not secret: a bare <c>dotnet run</c> and in-process tests; refused elsewhere.</summary>
    public const string DevelopmentOnlyKeyEncryptionKey = "DEVELOPMENT-ONLY-jenkins-identity-kek-never-use-outside-development";

    /// <summary>The secret the ring's keys are wrapped under. Never logged.</summary>
    public string? KeyEncryptionKey { get; set; }

    /// <summary>Earlier key-encryption keys, for unwrapping only, while the key is rotated.</summary>
    public IList<string> PreviousKeyEncryptionKeys { get; } = [];
}

/// <summary>Outside Development the key is required; every configured key must be long enough.</summary>
internal sealed class JenkinsIdentityOptionsValidation(IHostEnvironment environment) : IValidateOptions<JenkinsIdentityOptions>
{
    public ValidateOptionsResult Validate(string? name, JenkinsIdentityOptions options)
    {
        if (string.IsNullOrEmpty(options.KeyEncryptionKey) && !environment.IsDevelopment())
        {
            return ValidateOptionsResult.Fail(
                $"{JenkinsIdentityOptions.KeyEncryptionKeySetting} must be configured outside Development: it encrypts the key ring of " +
                "linked Jenkins API tokens at rest (the AppHost's secret parameter jenkins-identity-key-encryption-key).");
        }

        return options.KeyEncryptionKey is { Length: > 0 and < JenkinsIdentityOptions.MinimumLength }
               || options.PreviousKeyEncryptionKeys.Any(key => key.Length < JenkinsIdentityOptions.MinimumLength)
            ? ValidateOptionsResult.Fail(
                $"{JenkinsIdentityOptions.KeyEncryptionKeySetting} and {JenkinsIdentityOptions.PreviousKeyEncryptionKeysSetting} must be random " +
                $"secrets of at least {JenkinsIdentityOptions.MinimumLength} characters.")
            : ValidateOptionsResult.Success;
    }
}
