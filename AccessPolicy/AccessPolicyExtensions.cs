using Amazon.DynamoDBv2;
using Amazon.Runtime.Credentials;
using Microsoft.Extensions.Configuration;

namespace McpAspire.AccessPolicy;

public static class AccessPolicyExtensions
{
    /// <summary>
    /// The policy store on DynamoDB, its table named from <c>DynamoDb:TablePrefix</c> like the auth server's. A host
    /// that has no DynamoDB client yet gets one configured as the auth server's (the AWS SDK reads
    /// <c>AWS_ENDPOINT_URL_DYNAMODB</c>, the region and credentials from the environment the AppHost sets; 5 s timeout,
    /// 2 retries, so an outage fails a call within seconds).
    /// </summary>
    public static IHostApplicationBuilder AddAccessPolicyStore(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<AccessPolicyStoreOptions>()
            .Bind(builder.Configuration.GetSection("DynamoDb"))
            .Validate(options => !string.IsNullOrWhiteSpace(options.TablePrefix), "DynamoDb:TablePrefix must not be empty.")
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<IAmazonDynamoDB>(_ =>
        {
            var config = new AmazonDynamoDBConfig { Timeout = TimeSpan.FromSeconds(5), MaxErrorRetry = 2 };
            return new AmazonDynamoDBClient(DefaultAWSCredentialsIdentityResolver.GetCredentials(config), config);
        });
        builder.Services.TryAddSingleton<IAccessPolicyStore, DynamoDbAccessPolicyStore>();
        return builder;
    }
}
