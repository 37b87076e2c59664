using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace McpAspire.AuthServer.Persistence.Infrastructure;

/// <summary>
/// Readiness: a real, cheap data-plane call (a GetItem of a key that does not exist in the keys table) that
/// proves DynamoDB answers, the credentials work and the tables exist. Not tagged "live": /alive ignores it.
/// </summary>
internal sealed class DynamoDbReadinessHealthCheck(IAmazonDynamoDB client, DynamoDbTableNames names) : IHealthCheck
{
    public const string Name = "dynamodb";
    public const string Tag = "ready";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await client.GetItemAsync(new GetItemRequest
            {
                TableName = names.Keys,
                Key = new()
                {
                    [DynamoDbSchema.KeyPurpose] = new AttributeValue { S = "health" },
                    [DynamoDbSchema.Id] = new AttributeValue { S = "probe" },
                },
            }, cancellationToken);
            return HealthCheckResult.Healthy("DynamoDB answered a GetItem.");
        }
        catch (Exception exception) when (exception is AmazonServiceException or AmazonClientException or HttpRequestException or TimeoutException or TaskCanceledException)
        {
            return HealthCheckResult.Unhealthy("DynamoDB did not answer a GetItem.", exception);
        }
    }
}
