using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace McpAspire.AuthServer.Persistence.Infrastructure;

/// <summary>
/// Creates the missing tables and enables their TTL, idempotently, when <c>DynamoDb:CreateTables</c> is true
/// (only against DynamoDB Local). It runs in <see cref="IHostedLifecycleService.StartingAsync"/>, before any
/// hosted service's StartAsync, so seeding services of the rest of the app find the tables in place.
/// </summary>
internal sealed class DynamoDbTableInitializer(
    IAmazonDynamoDB client, DynamoDbTableNames names, IOptions<DynamoDbPersistenceOptions> options, ILogger<DynamoDbTableInitializer> logger)
    : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.CreateTables)
        {
            return;
        }

        await DynamoDbTableProvisioner.EnsureTablesAsync(client, names, logger, cancellationToken);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Creates tables and TTL settings from <see cref="DynamoDbSchema"/>, leaving existing ones untouched.</summary>
public static class DynamoDbTableProvisioner
{
    public static async Task EnsureTablesAsync(IAmazonDynamoDB client, DynamoDbTableNames names, ILogger logger, CancellationToken cancellationToken)
    {
        foreach (var request in DynamoDbSchema.CreateTableRequests(names))
        {
            try
            {
                await client.CreateTableAsync(request, cancellationToken);
                PersistenceLog.TableCreated(logger, request.TableName);
            }
            catch (ResourceInUseException)
            {
                // Exists already (or another replica is creating it): idempotent by design.
            }
        }

        foreach (var table in names.All)
        {
            await WaitUntilActiveAsync(client, table, cancellationToken);
        }

        foreach (var table in DynamoDbSchema.TtlTables(names))
        {
            if (await TtlIsOnAsync(client, table, cancellationToken))
            {
                continue;
            }

            try
            {
                await client.UpdateTimeToLiveAsync(new UpdateTimeToLiveRequest
                {
                    TableName = table,
                    TimeToLiveSpecification = new TimeToLiveSpecification { AttributeName = DynamoDbSchema.Ttl, Enabled = true },
                }, cancellationToken);
                PersistenceLog.TtlEnabled(logger, table, DynamoDbSchema.Ttl);
            }
            catch (AmazonDynamoDBException)
            {
                // Replicas starting together: another one enabled it between our look and our request, and DynamoDB
                // refuses a second enable ("TimeToLive is already enabled"; AWS: "modified multiple times"). What
                // matters is the outcome, so it is read again rather than the error's wording trusted.
                if (!await TtlIsOnAsync(client, table, cancellationToken))
                {
                    throw;
                }
            }
        }
    }

    private static async Task<bool> TtlIsOnAsync(IAmazonDynamoDB client, string table, CancellationToken cancellationToken)
    {
        var description = await client.DescribeTimeToLiveAsync(new DescribeTimeToLiveRequest { TableName = table }, cancellationToken);
        var status = description.TimeToLiveDescription?.TimeToLiveStatus;
        return status == TimeToLiveStatus.ENABLED || status == TimeToLiveStatus.ENABLING;
    }

    private static async Task WaitUntilActiveAsync(IAmazonDynamoDB client, string table, CancellationToken cancellationToken)
    {
        // AWS creates tables asynchronously (seconds); DynamoDB Local answers ACTIVE at once.
        var delay = TimeSpan.FromMilliseconds(200);
        for (var attempt = 0; attempt < 150; attempt++)
        {
            var description = await client.DescribeTableAsync(new DescribeTableRequest { TableName = table }, cancellationToken);
            if (description.Table.TableStatus == TableStatus.ACTIVE &&
                (description.Table.GlobalSecondaryIndexes ?? []).All(index => index.IndexStatus == IndexStatus.ACTIVE))
            {
                return;
            }

            await Task.Delay(delay, cancellationToken);
        }

        throw new TimeoutException($"DynamoDB table {table} did not become ACTIVE.");
    }
}
