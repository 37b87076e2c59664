using Amazon.DynamoDBv2;
using McpAspire.KeyRings;
using Microsoft.Extensions.Logging;

namespace McpAspire.AccessPolicy.JenkinsIdentity;

public static partial class JenkinsIdentityExtensions
{
    /// <summary>Part of every derivation and associated data of the ring's key wrapping: fixed once keys exist.</summary>
    public const string KeyWrappingLabel = "McpAspire.JenkinsIdentities.DataProtection";

    /// <summary>
    /// The linked Jenkins identities (<see cref="IJenkinsIdentityStore"/>) and their tokens' protector, on the policy store's
    /// DynamoDB client and table prefix. <paramref name="createKeys"/>: the auth server, which protects tokens, creates the
    /// ring's keys; the MCP server only reads them. The ring is built at its first use, so a host that never links or
    /// reads a token never touches its table.
    /// </summary>
    public static IHostApplicationBuilder AddJenkinsIdentities(this IHostApplicationBuilder builder, bool createKeys)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddAccessPolicyStore();
        builder.Services.AddOptions<JenkinsIdentityOptions>().Bind(builder.Configuration.GetSection(JenkinsIdentityOptions.SectionName)).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<JenkinsIdentityOptions>, JenkinsIdentityOptionsValidation>());
        builder.Services.TryAddSingleton<IJenkinsIdentityStore, DynamoDbJenkinsIdentityStore>();
        builder.Services.TryAddSingleton(services =>
        {
            var settings = services.GetRequiredService<IOptions<JenkinsIdentityOptions>>().Value;
            var loggers = services.GetRequiredService<ILoggerFactory>();
            var logger = loggers.CreateLogger<JenkinsTokenProtector>();
            var kek = settings.KeyEncryptionKey;
            if (string.IsNullOrEmpty(kek))
            {
                // Only reachable in Development: the options validation refuses every other environment.
                LogDevelopmentKeyInUse(logger, JenkinsIdentityOptions.KeyEncryptionKeySetting);
                kek = JenkinsIdentityOptions.DevelopmentOnlyKeyEncryptionKey;
            }

            var wrapper = new AesGcmKeyWrapper(KeyWrappingLabel, kek, settings.PreviousKeyEncryptionKeys,
                $"configure it as {JenkinsIdentityOptions.KeyEncryptionKeySetting} or in {JenkinsIdentityOptions.PreviousKeyEncryptionKeysSetting}");
            var prefix = services.GetRequiredService<IOptions<AccessPolicyStoreOptions>>().Value.TablePrefix;
            var elements = new DynamoDbXmlElements(services.GetRequiredService<IAmazonDynamoDB>(), JenkinsIdentityTable.KeysName(prefix),
                JenkinsIdentityTable.KeyRingPartition, (table, problem) => LogMalformedKey(logger, table, problem));
            return new JenkinsTokenProtector(ProtectedKeyRing.Create(JenkinsTokenProtector.ApplicationName, elements, wrapper, createKeys, loggers));
        });
        return builder;
    }

    [LoggerMessage(EventId = 3020, Level = LogLevel.Warning,
        Message = "{Setting} is not configured: linked Jenkins API tokens are protected under the DEVELOPMENT-ONLY key-encryption key.")]
    private static partial void LogDevelopmentKeyInUse(ILogger logger, string setting);

    [LoggerMessage(EventId = 3021, Level = LogLevel.Error,
        Message = "A key of the linked Jenkins tokens' key ring in table {Table} is malformed and was skipped: {Problem}")]
    private static partial void LogMalformedKey(ILogger logger, string table, string problem);
}
