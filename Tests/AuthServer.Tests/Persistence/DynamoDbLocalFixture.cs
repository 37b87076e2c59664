extern alias apphost;

using System.Collections.Concurrent;
using Amazon.Runtime;
using apphost::McpAspire.AppHost.DynamoDb;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpAspire.AuthServer.Tests.Persistence;

/// <summary>
/// The real DynamoDB Local (Amazon's jar, as the AppHost runs it, fresh and in memory) for a persistence test class, a
/// class fixture (<c>IClassFixture&lt;DynamoDbLocalFixture&gt;</c>): the assembly's app's own
/// (<see cref="AuthServerFixture"/>), not started again. The app's services keep to their table prefix
/// (<see cref="DynamoDbLocalDefaults.DefaultTablePrefix"/>) and each class here to its own (<see cref="TablePrefix"/>),
/// so classes run side by side; no test here stops DynamoDB Local or deletes a table.
/// </summary>
public sealed class DynamoDbLocalFixture(AuthServerFixture app) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task>> _provisioned = new(StringComparer.Ordinal);

    public string ServiceUrl { get; } = app.DynamoDbUrl;

    public IAmazonDynamoDB Client { get; } = CreateClient(app.DynamoDbUrl);

    /// <summary>A client for DynamoDB Local (placeholder credentials: DynamoDB Local ignores them, the SDK insists).</summary>
    public static AmazonDynamoDBClient CreateClient(string serviceUrl) => new(
        new BasicAWSCredentials(DynamoDbLocalDefaults.LocalOnlyAccessKeyId, DynamoDbLocalDefaults.LocalOnlySecretAccessKey),
        new AmazonDynamoDBConfig
        {
            ServiceURL = serviceUrl,
            AuthenticationRegion = DynamoDbLocalDefaults.LocalRegion,
            Timeout = TimeSpan.FromSeconds(10),
            MaxErrorRetry = 1,
        });

    /// <summary>Creates the tables of <paramref name="prefix"/> once (per test class), with the production code.</summary>
    public Task ProvisionAsync(string prefix) => _provisioned.GetOrAdd(prefix, key => new Lazy<Task>(() =>
        DynamoDbTableProvisioner.EnsureTablesAsync(Client, new DynamoDbTableNames(key), NullLogger.Instance, CancellationToken.None))).Value;

    /// <summary>
    /// A host of the auth server's persistence (what AddDynamoDbPersistence registers) on tables named
    /// by <paramref name="prefix"/>: each call is a separate "replica" sharing only DynamoDB.
    /// </summary>
    public IHost CreateHost(string prefix, IDictionary<string, string?>? configuration = null, Action<IServiceCollection>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Development });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DynamoDb:TablePrefix"] = prefix,
            ["DynamoDb:CreateTables"] = "true",
            ["PasswordHashing:IterationCount"] = DistributedApplicationTestFactory.PasswordHashIterations,
        });
        if (configuration is not null)
        {
            builder.Configuration.AddInMemoryCollection(configuration);
        }

        builder.Services.AddSingleton<IAmazonDynamoDB>(_ => CreateClient(ServiceUrl));
        builder.AddDynamoDbPersistence();
        builder.Services.AddOpenIddict().AddCore(core => core.UseDynamoDb());
        configure?.Invoke(builder.Services);
        return builder.Build();
    }

    public void Dispose() => Client.Dispose();
}

/// <summary>A table prefix of its own for each test class, so classes never see each other's items.</summary>
public static class TablePrefix
{
    public static string New(string className) => $"t{Guid.NewGuid():N}"[..12] + "-" + className.ToLowerInvariant();
}
