using Amazon.DynamoDBv2;
using Amazon.Runtime.Credentials;
using McpAspire.AccessPolicy;
using McpAspire.AuthServer.Persistence.Coordination;
using McpAspire.AuthServer.Persistence.DataProtection;
using McpAspire.AuthServer.Persistence.Infrastructure;

namespace McpAspire.AuthServer.Persistence;

/// <summary>The auth server's persistence on DynamoDB, registered in one call.</summary>
public static class DynamoDbPersistenceExtensions
{
    /// <summary>
    /// Registers the DynamoDB client (the AWS SDK reads AWS_ENDPOINT_URL_DYNAMODB, AWS_REGION and the
    /// credentials from the environment, as the AppHost sets them), the table names (<c>DynamoDb:TablePrefix</c>),
    /// table creation at start-up when <c>DynamoDb:CreateTables</c> is true, the Data Protection key ring (encrypted under
    /// <c>DataProtection:KeyEncryptionKey</c>, required outside Development), the
    /// user store with admin seeding, and a readiness health check that makes a real DynamoDB call.
    /// </summary>
    public static IHostApplicationBuilder AddDynamoDbPersistence(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;

        services.AddOptions<DynamoDbPersistenceOptions>()
            .Bind(builder.Configuration.GetSection(DynamoDbPersistenceOptions.SectionName))
            .Validate(options => !string.IsNullOrWhiteSpace(options.TablePrefix), "DynamoDb:TablePrefix must not be empty.")
            .Validate(options => options.ApplicationCacheDuration >= TimeSpan.Zero && options.ApplicationCacheDuration <= TimeSpan.FromMinutes(10),
                "DynamoDb:ApplicationCacheDuration must be between 00:00:00 (off) and 00:10:00.")
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IAmazonDynamoDB>(_ =>
        {
            var config = new AmazonDynamoDBConfig
            {
                // Fail fast enough that a request answers 503 within seconds when DynamoDB is unreachable.
                Timeout = TimeSpan.FromSeconds(5),
                MaxErrorRetry = 2,
            };

            // The credentials are resolved once, here: left to the client, the default chain is consulted on every call
            // (it checks that the environment and the profile files have not changed). The object it returns still
            // refreshes itself where the source expires (SSO, an assumed role, instance metadata).
            return new AmazonDynamoDBClient(DefaultAWSCredentialsIdentityResolver.GetCredentials(config), config);
        });
        services.TryAddSingleton<DynamoDbTableNames>();
        // The Jenkins access policy the admin page edits (the MCP server reads the same item).
        builder.AddAccessPolicyStore();
        // What replicas share beyond the entities: limits' counts and start-up locks.
        services.TryAddSingleton<DynamoDbFailureCounts>();
        services.TryAddSingleton<DynamoDbQuotaWindows>();
        services.TryAddSingleton<DynamoDbStartupLock>();

        // Before every other hosted service: the tables must exist when seeding starts.
        services.Insert(0, ServiceDescriptor.Singleton<IHostedService, DynamoDbTableInitializer>());

        services.AddDynamoDbDataProtection(builder.Configuration);

        services.AddPasswordHashing(builder.Environment);
        services.TryAddSingleton<IUserStore, DynamoDbUserStore>();
        services.TryAddSingleton<IExternalUserStore, DynamoDbExternalUserStore>();
        services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.SectionName);
        services.AddHostedService<AdminUserSeeder>();

        services.AddHealthChecks().AddCheck<DynamoDbReadinessHealthCheck>(
            DynamoDbReadinessHealthCheck.Name, tags: [DynamoDbReadinessHealthCheck.Tag]);

        return builder;
    }
}
