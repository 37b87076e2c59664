using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;

namespace McpAspire.AuthServer.Persistence;

internal static class DataProtectionExtensions
{
    /// <summary>The application name isolates our payloads; every replica must use the same one.</summary>
    public const string ApplicationName = "McpAspire.AuthServer";

    /// <summary>
    /// Data Protection with its key ring in DynamoDB. The keys are not encrypted by Data Protection itself
    /// (no certificate or KMS-backed encryptor is available to us): they rely on DynamoDB's encryption at
    /// rest and on IAM restricting the keys table to the auth server (docs/persistence.md).
    /// </summary>
    public static IServiceCollection AddDynamoDbDataProtection(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName(ApplicationName);
        services.AddSingleton<DynamoDbXmlRepository>();
        services.AddOptions<KeyManagementOptions>()
            .Configure<DynamoDbXmlRepository>((options, repository) => options.XmlRepository = repository);
        return services;
    }
}
