using Microsoft.Extensions.Logging.Abstractions;

namespace McpAspire.AuthServer.Tests.Persistence;

public sealed class TableProvisioningTests(DynamoDbLocalFixture dynamoDb) : IClassFixture<DynamoDbLocalFixture>
{
    [Fact]
    public async Task Provisioning_twice_is_harmless_and_enables_TTL_and_every_lookup_index()
    {
        var names = new DynamoDbTableNames(TablePrefix.New("provisioning"));
        await DynamoDbTableProvisioner.EnsureTablesAsync(dynamoDb.Client, names, NullLogger.Instance, CancellationToken.None);
        await DynamoDbTableProvisioner.EnsureTablesAsync(dynamoDb.Client, names, NullLogger.Instance, CancellationToken.None);

        foreach (var table in DynamoDbSchema.TtlTables(names))
        {
            var ttl = await dynamoDb.Client.DescribeTimeToLiveAsync(new DescribeTimeToLiveRequest { TableName = table });
            Assert.Equal(TimeToLiveStatus.ENABLED, ttl.TimeToLiveDescription.TimeToLiveStatus);
            Assert.Equal(DynamoDbSchema.Ttl, ttl.TimeToLiveDescription.AttributeName);
        }

        var tokens = await dynamoDb.Client.DescribeTableAsync(names.Tokens);
        Assert.Equal(
            [DynamoDbSchema.ApplicationIdIndex, DynamoDbSchema.AuthorizationIdIndex, DynamoDbSchema.SubjectIndex],
            tokens.Table.GlobalSecondaryIndexes.Select(index => index.IndexName).Order(StringComparer.Ordinal));
        var authorizations = await dynamoDb.Client.DescribeTableAsync(names.Authorizations);
        Assert.Equal(
            [DynamoDbSchema.ApplicationIdIndex, DynamoDbSchema.SubjectIndex],
            authorizations.Table.GlobalSecondaryIndexes.Select(index => index.IndexName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_host_creates_the_tables_at_start_up_only_when_asked_to()
    {
        var prefix = TablePrefix.New("startup");
        using (var withoutCreation = dynamoDb.CreateHost(prefix, new Dictionary<string, string?> { ["DynamoDb:CreateTables"] = "false" }))
        {
            await withoutCreation.StartAsync();
            await withoutCreation.StopAsync();
        }

        await Assert.ThrowsAsync<ResourceNotFoundException>(() => dynamoDb.Client.DescribeTableAsync(new DynamoDbTableNames(prefix).Tokens));

        using (var withCreation = dynamoDb.CreateHost(prefix))
        {
            await withCreation.StartAsync();
            await withCreation.StopAsync();
        }

        Assert.Equal(TableStatus.ACTIVE, (await dynamoDb.Client.DescribeTableAsync(new DynamoDbTableNames(prefix).Tokens)).Table.TableStatus);
    }
}
