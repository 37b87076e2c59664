using McpAspire.KeyRings;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;

namespace McpAspire.AuthServer.Persistence.DataProtection;

internal static class DataProtectionExtensions
{
    /// <summary>The application name isolates our payloads; every replica must use the same one.</summary>
    public const string ApplicationName = "McpAspire.AuthServer";

    /// <summary>
    /// Data Protection with its key ring in its own DynamoDB table, each key's secret encrypted at rest by Data
    /// Protection's own encryptor hook (<see cref="KeyManagementOptions.XmlEncryptor"/>) under the key-encryption key
    /// <c>DataProtection:KeyEncryptionKey</c>: a reader of the tables (a backup, a broad IAM role) gets no master key,
    /// hence neither the cookies' keys nor the OpenIddict private keys that Data Protection protects.
    /// </summary>
    public static IServiceCollection AddDynamoDbDataProtection(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<KeyEncryptionOptions>().Bind(configuration.GetSection(KeyEncryptionOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KeyEncryptionOptions>, KeyEncryptionOptionsValidation>());
        services.TryAddSingleton<IDataProtectionKeyWrapper, LocalKeyEncryptionKeyWrapper>();

        services.AddDataProtection().SetApplicationName(ApplicationName);
        services.AddSingleton<DynamoDbXmlRepository>();
        services.AddOptions<KeyManagementOptions>()
            .Configure<DynamoDbXmlRepository, IDataProtectionKeyWrapper>((options, repository, wrapper) =>
            {
                options.XmlRepository = repository;
                options.XmlEncryptor = new WrappedKeyXmlEncryptor(wrapper, typeof(WrappedKeyXmlDecryptor));
            });
        return services;
    }
}
