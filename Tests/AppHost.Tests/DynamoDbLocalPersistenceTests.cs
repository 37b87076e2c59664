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
        using var timeout = new CancellationTokenSource(DistributedApplicationTestFactory.StartTimeout);
        await using var running = await StartAsync(timeout.Token);

        await running.Client.CreateTableAsync(new CreateTableRequest
        {
            TableName = table,
            KeySchema = [new KeySchemaElement("id", KeyType.HASH)],
            AttributeDefinitions = [new AttributeDefinition("id", ScalarAttributeType.S)],
            BillingMode = BillingMode.PAY_PER_REQUEST,
        }, timeout.Token);
        await running.Client.PutItemAsync(table, new Dictionary<string, AttributeValue>(key) { ["name"] = new("Q DEV CLI") }, timeout.Token);
        await running.RestartAsync(timeout.Token);
        var item = await running.Client.GetItemAsync(table, key, consistentRead: true, timeout.Token);

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
    private async Task<RunningDynamoDb> StartAsync(CancellationToken cancellationToken)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>([$"DynamoDbLocal:DataDirectory={_dataDirectory}"], cancellationToken);
        foreach (var service in builder.Resources.OfType<ProjectResource>().ToList())
        {
            builder.Resources.Remove(service);
        }

        var dynamoDb = builder.Resources.OfType<IDynamoDbLocalResource>().Single();
        var app = await builder.BuildAsync(cancellationToken);
        await app.StartAsync(cancellationToken);
        await app.ResourceNotifications.WaitForResourceHealthyAsync(dynamoDb.Name, cancellationToken);

        var client = new AmazonDynamoDBClient(
            new BasicAWSCredentials(DynamoDbLocalDefaults.LocalOnlyAccessKeyId, DynamoDbLocalDefaults.LocalOnlySecretAccessKey),
            new AmazonDynamoDBConfig { ServiceURL = dynamoDb.Endpoint.Url, AuthenticationRegion = DynamoDbLocalDefaults.LocalRegion });
        return new RunningDynamoDb(app, dynamoDb.Name, client);
    }

    /// <summary>A client whose DynamoDB Local stops with it.</summary>
    private sealed class RunningDynamoDb(DistributedApplication app, string resourceName, AmazonDynamoDBClient client) : IAsyncDisposable
    {
        public AmazonDynamoDBClient Client => client;

        /// <summary>
        /// Stops DynamoDB Local's process and starts a new one, as the dashboard's stop and start commands do: the same
        /// app, so the same endpoint (Aspire's proxy), and nothing but the data folder carries the tables across.
        /// </summary>
        public async Task RestartAsync(CancellationToken cancellationToken)
        {
            var stopped = await app.ResourceCommands.ExecuteCommandAsync(resourceName, KnownResourceCommands.StopCommand, cancellationToken);
            Assert.True(stopped.Success, stopped.Message);
            await app.ResourceNotifications.WaitForResourceAsync(resourceName, KnownResourceStates.TerminalStates, cancellationToken);
            await DistributedApplicationTestFactory.StartAgainAsync(app, resourceName, cancellationToken);
        }

        public async ValueTask DisposeAsync()
        {
            client.Dispose();
            await DistributedApplicationTestFactory.StopAsync(app);
        }
    }
}
