using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace McpAspire.AppHost.DynamoDb;

/// <summary>Healthy only when DynamoDB Local answers a real <c>ListTables</c> call.</summary>
internal sealed class DynamoDbHealthCheck(IDynamoDbLocalResource resource) : IHealthCheck, IDisposable
{
    private AmazonDynamoDBClient? _client;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            _client ??= new AmazonDynamoDBClient(
                new BasicAWSCredentials(DynamoDbLocalDefaults.LocalOnlyAccessKeyId, DynamoDbLocalDefaults.LocalOnlySecretAccessKey),
                new AmazonDynamoDBConfig
                {
                    ServiceURL = resource.Endpoint.Url,
                    AuthenticationRegion = DynamoDbLocalDefaults.LocalRegion,
                    Timeout = TimeSpan.FromSeconds(5),
                    MaxErrorRetry = 0,
                });

            var tables = await _client.ListTablesAsync(new ListTablesRequest { Limit = 1 }, cancellationToken);
            return HealthCheckResult.Healthy($"ListTables answered ({tables.TableNames?.Count ?? 0} table(s) on the first page).");
        }
        catch (Exception exception) when (exception is AmazonServiceException or HttpRequestException or TaskCanceledException or InvalidOperationException)
        {
            // The reason, not the stack trace: while DynamoDB Local starts, every probe fails the same way.
            return HealthCheckResult.Unhealthy($"DynamoDB Local did not answer ListTables: {exception.Message}");
        }
    }

    public void Dispose() => _client?.Dispose();
}
