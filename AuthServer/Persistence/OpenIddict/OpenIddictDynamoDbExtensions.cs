namespace McpAspire.AuthServer.Persistence.OpenIddict;

/// <summary>Plugs the DynamoDB stores into OpenIddict's core: <c>.AddCore(o => o.UseDynamoDb())</c>.</summary>
public static class OpenIddictDynamoDbExtensions
{
    public static OpenIddictCoreBuilder UseDynamoDb(this OpenIddictCoreBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // The stores hold no per-request state (only the DynamoDB client, which is thread-safe): singletons.
        builder.Services.TryAddSingleton<RecentApplications>();
        return builder
            .SetDefaultApplicationEntity<DynamoDbApplication>()
            .SetDefaultAuthorizationEntity<DynamoDbAuthorization>()
            .SetDefaultScopeEntity<DynamoDbScope>()
            .SetDefaultTokenEntity<DynamoDbToken>()
            .ReplaceApplicationStore<DynamoDbApplication, DynamoDbApplicationStore>(ServiceLifetime.Singleton)
            .ReplaceAuthorizationStore<DynamoDbAuthorization, DynamoDbAuthorizationStore>(ServiceLifetime.Singleton)
            .ReplaceScopeStore<DynamoDbScope, DynamoDbScopeStore>(ServiceLifetime.Singleton)
            .ReplaceTokenStore<DynamoDbToken, DynamoDbTokenStore>(ServiceLifetime.Singleton);
    }
}
