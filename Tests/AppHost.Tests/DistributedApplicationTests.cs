using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

using McpAspire.AppHost.Tests.Replicas;

namespace McpAspire.AppHost.Tests;

/// <summary>
/// The AppHost's wiring (health endpoints, the DynamoDB endpoint, service discovery, the dashboard's Jenkins command),
/// checked on the replica tests' app: an AppHost of its own only for these would cost a whole boot (DCP, DynamoDB
/// Local's JVM, every service) on a 2-core machine, and with two replicas of each service every request here goes
/// through Aspire's proxy as a user's would.
/// </summary>
[Collection(ReplicasGroup.Name)]
public sealed class DistributedApplicationTests(ReplicasFixture fixture)
{
    [Theory]
    [InlineData("jenkins")]
    [InlineData("auth-server")]
    [InlineData("mcp-server")]
    public async Task Every_service_answers_its_liveness_and_readiness_endpoints(string resourceName)
    {
        using var client = fixture.App.CreateHttpClient(resourceName);

        using var health = await client.GetAsync(new Uri("/health", UriKind.Relative));
        using var alive = await client.GetAsync(new Uri("/alive", UriKind.Relative));

        Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_DynamoDB_endpoint_handed_to_the_auth_server_serves_real_tables()
    {
        var environment = await GetEnvironmentAsync("auth-server");
        var endpoint = environment["AWS_ENDPOINT_URL_DYNAMODB"];
        Assert.StartsWith("http://", endpoint, StringComparison.Ordinal);

        using var dynamoDb = new AmazonDynamoDBClient(
            new BasicAWSCredentials(environment["AWS_ACCESS_KEY_ID"], environment["AWS_SECRET_ACCESS_KEY"]),
            new AmazonDynamoDBConfig { ServiceURL = endpoint, AuthenticationRegion = environment["AWS_REGION"] });
        var table = $"foundation-{Guid.NewGuid():N}";

        await dynamoDb.CreateTableAsync(new CreateTableRequest
        {
            TableName = table,
            KeySchema = [new KeySchemaElement("id", KeyType.HASH)],
            AttributeDefinitions = [new AttributeDefinition("id", ScalarAttributeType.S)],
            BillingMode = BillingMode.PAY_PER_REQUEST,
        });
        await dynamoDb.PutItemAsync(table, new Dictionary<string, AttributeValue>
        {
            ["id"] = new("step-8"),
            ["meaning"] = new("introspection"),
        });
        var read = await dynamoDb.GetItemAsync(table, new Dictionary<string, AttributeValue> { ["id"] = new("step-8") }, consistentRead: true);

        Assert.Equal("introspection", read.Item["meaning"].S);
        Assert.Contains(table, (await dynamoDb.ListTablesAsync()).TableNames);
        await dynamoDb.DeleteTableAsync(table);
    }

    [Fact]
    public async Task DynamoDB_Local_starts_with_the_quick_start_JVM_options_before_its_jar()
    {
        var services = fixture.App.Services;
        var resource = services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == "dynamodb");
        var configuration = await ExecutionConfigurationBuilder.Create(resource)
            .WithArgumentsConfig()
            .BuildAsync(services.GetRequiredService<DistributedApplicationExecutionContext>(), NullLogger.Instance, CancellationToken.None);
        var arguments = configuration.Arguments.Select(argument => argument.Value).ToList();
        var options = McpAspire.AppHost.DynamoDb.DynamoDbLocalDefaults.JavaOptions.Split(' ');

        // JVM options count only before the jar: after it they would be DynamoDB Local's own arguments.
        Assert.Equal(options, arguments.Take(options.Length));
        Assert.True(arguments.IndexOf("-jar") > options.Length);
    }

    [Fact]
    public async Task The_MCP_server_finds_the_auth_server_and_Jenkins_through_service_discovery()
    {
        var environment = await GetEnvironmentAsync("mcp-server");

        Assert.StartsWith("http://", environment["services__auth-server__http__0"], StringComparison.Ordinal);
        Assert.StartsWith("http://", environment["services__jenkins__http__0"], StringComparison.Ordinal);
        // The issuer identifier is the MCP server's own resource URL (docs/auth-server.md, "Issuer and discovery").
        Assert.EndsWith("/mcp", environment["Mcp__ResourceUrl"], StringComparison.Ordinal);
        Assert.Equal(environment["Mcp__ResourceUrl"], environment["AuthServer__Issuer"]);
    }

    [Fact]
    public async Task The_dashboard_can_reset_the_Jenkins_mock()
    {
        var result = await fixture.App.ResourceCommands.ExecuteCommandAsync("jenkins", AppHostExtensions.ResetJenkinsCommand);

        Assert.True(result.Success, result.Message);
    }

    /// <summary>The environment the AppHost hands to a service, resolved as it was when the service started.</summary>
    private async Task<IReadOnlyDictionary<string, string>> GetEnvironmentAsync(string resourceName)
    {
        var services = fixture.App.Services;
        var resource = services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == resourceName);
        var configuration = await ExecutionConfigurationBuilder.Create(resource)
            .WithEnvironmentVariablesConfig()
            .BuildAsync(
                services.GetRequiredService<DistributedApplicationExecutionContext>(),
                NullLogger.Instance,
                CancellationToken.None);
        return configuration.EnvironmentVariables.ToDictionary();
    }
}
