using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using McpAspire.AppHost.DynamoDb;

namespace McpAspire.AppHost.Tests;

/// <summary>DynamoDB Local on its own, as the AppHost runs it by default: tables kept in a data folder.</summary>
public sealed class DynamoDbLocalPersistenceTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"mcpaspire-ddb-{Guid.NewGuid():N}");

    [Fact]
    public async Task Tables_written_before_a_restart_are_there_after_it()
    {
        const string table = "survives-restart";
        var key = new Dictionary<string, AttributeValue> { ["id"] = new("client-1") };

        await using (var first = await StartAsync())
        {
            await first.Client.CreateTableAsync(new CreateTableRequest
            {
                TableName = table,
                KeySchema = [new KeySchemaElement("id", KeyType.HASH)],
                AttributeDefinitions = [new AttributeDefinition("id", ScalarAttributeType.S)],
                BillingMode = BillingMode.PAY_PER_REQUEST,
            });
            await first.Client.PutItemAsync(table, new Dictionary<string, AttributeValue>(key) { ["name"] = new("Q DEV CLI") });
        }

        await using var second = await StartAsync();
        var item = await second.Client.GetItemAsync(table, key, consistentRead: true);

        Assert.Equal("Q DEV CLI", item.Item["name"].S);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    /// <summary>
    /// The AppHost's own DynamoDB Local resource, started without the services: they are removed from the
    /// model before it starts (a testing builder needs the AppHost assembly to find the orchestrator).
    /// </summary>
    private async Task<RunningDynamoDb> StartAsync()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>([$"DynamoDbLocal:DataDirectory={_dataDirectory}"]);
        foreach (var service in builder.Resources.OfType<ProjectResource>().ToList())
        {
            builder.Resources.Remove(service);
        }

        var dynamoDb = builder.Resources.OfType<IDynamoDbLocalResource>().Single();
        var app = await builder.BuildAsync();
        using var timeout = new CancellationTokenSource(DistributedApplicationTestFactory.StartTimeout);
        await app.StartAsync(timeout.Token);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("dynamodb", timeout.Token);

        var client = new AmazonDynamoDBClient(
            new BasicAWSCredentials(DynamoDbLocalDefaults.LocalOnlyAccessKeyId, DynamoDbLocalDefaults.LocalOnlySecretAccessKey),
            new AmazonDynamoDBConfig { ServiceURL = dynamoDb.Endpoint.Url, AuthenticationRegion = DynamoDbLocalDefaults.LocalRegion });
        return new RunningDynamoDb(app, client);
    }

    /// <summary>A client whose DynamoDB Local stops with it.</summary>
    private sealed class RunningDynamoDb(DistributedApplication app, AmazonDynamoDBClient client) : IAsyncDisposable
    {
        public AmazonDynamoDBClient Client => client;

        public async ValueTask DisposeAsync()
        {
            client.Dispose();
            await app.DisposeAsync();
        }
    }
}
