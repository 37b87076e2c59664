using McpAspire.KeyRings;

namespace McpAspire.AuthServer.Persistence.DataProtection;

/// <summary>
/// The auth server's own key ring's wrapper: <see cref="AesGcmKeyWrapper"/> under <see cref="KeyEncryptionOptions.KeyEncryptionKey"/>
/// (<see cref="KeyEncryptionOptions.PreviousKeyEncryptionKeys"/> decrypt only), with the label its keys were first written under.
/// </summary>
internal sealed class LocalKeyEncryptionKeyWrapper(IOptions<KeyEncryptionOptions> options, ILogger<LocalKeyEncryptionKeyWrapper> logger)
    : AesGcmKeyWrapper(
        Label,
        CurrentSecret(options.Value, logger),
        options.Value.PreviousKeyEncryptionKeys,
        $"configure it as {KeyEncryptionOptions.KeyEncryptionKeySetting} or in {KeyEncryptionOptions.PreviousKeyEncryptionKeysSetting}")
{
    /// <summary>Part of every derivation and associated data of this ring: changing it makes the stored ring unreadable.</summary>
    public const string Label = "McpAspire.AuthServer.DataProtection";

    private static string CurrentSecret(KeyEncryptionOptions settings, ILogger logger)
    {
        if (!string.IsNullOrEmpty(settings.KeyEncryptionKey))
        {
            return settings.KeyEncryptionKey;
        }

        // Only reachable in Development: KeyEncryptionOptionsValidation refuses every other environment.
        DataProtectionLog.DevelopmentKeyEncryptionKeyInUse(logger, KeyEncryptionOptions.KeyEncryptionKeySetting);
        return KeyEncryptionOptions.DevelopmentOnlyKeyEncryptionKey;
    }
}
