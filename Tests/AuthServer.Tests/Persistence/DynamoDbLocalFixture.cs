extern alias apphost;

using System.Collections.Concurrent;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using apphost::Aspire.Hosting;
using apphost::McpAspire.AppHost.DynamoDb;
using Aspire.Hosting;
using McpAspire.AuthServer.Persistence;
using McpAspire.AuthServer.Persistence.Infrastructure;
using McpAspire.AuthServer.Persistence.OpenIddict;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpAspire.AuthServer.Tests.Persistence;

/// <summary>
/// The real DynamoDB Local (Amazon's jar, as the AppHost runs it), started once for every persistence test
/// class through Aspire's testing builder without the rest of the app: fresh and in memory.
/// </summary>
public sealed class DynamoDbLocalFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private readonly ConcurrentDictionary<string, Lazy<Task>> _provisioned = new(StringComparer.Ordinal);
    private DistributedApplication? _app;

    public string ServiceUrl { get; private set; } = "";

    public IAmazonDynamoDB Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = CreateBuilderWithoutTheApp();
        var settings = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["InMemory"] = "true" })
            .Build();
        var dynamoDb = builder.AddDynamoDbLocal("dynamodb", settings);
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));

        _app = await builder.BuildAsync();
        using var timeout = new CancellationTokenSource(StartTimeout);
        await _app.StartAsync(timeout.Token);
        await _app.ResourceNotifications.WaitForResourceHealthyAsync("dynamodb", timeout.Token);

        ServiceUrl = dynamoDb.Resource.Endpoint.Url;
        Client = CreateClient(ServiceUrl);
    }

    /// <summary>
    /// An empty testing builder that borrows the AppHost assembly only for its DCP settings. The public
    /// <c>DistributedApplicationTestingBuilder.Create()</c> finds that assembly by walking the call stack for
    /// DCP metadata, which a test assembly does not carry; Aspire 13.6.5 keeps the overload that takes the
    /// assembly internal, so it is called by reflection (pinned version; fails loudly if it moves).
    /// </summary>
    private static IDistributedApplicationTestingBuilder CreateBuilderWithoutTheApp()
    {
        var create = typeof(DistributedApplicationTestingBuilder).GetMethod(
            nameof(DistributedApplicationTestingBuilder.Create),
            System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic,
            [typeof(string[]), typeof(Action<DistributedApplicationOptions, HostApplicationBuilderSettings>), typeof(System.Reflection.Assembly)])
            ?? throw new InvalidOperationException("Aspire.Hosting.Testing no longer has Create(args, configure, appHostAssembly).");
        Action<DistributedApplicationOptions, HostApplicationBuilderSettings> configure = (options, _) => options.DisableDashboard = true;
        return (IDistributedApplicationTestingBuilder)create.Invoke(null, [Array.Empty<string>(), configure, typeof(DynamoDbLocalDefaults).Assembly])!;
    }

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

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class DynamoDbLocalGroup : ICollectionFixture<DynamoDbLocalFixture>
{
    public const string Name = "DynamoDB Local";
}

/// <summary>A table prefix of its own for each test class, so classes never see each other's items.</summary>
public static class TablePrefix
{
    public static string New(string className) => $"t{Guid.NewGuid():N}"[..12] + "-" + className.ToLowerInvariant();
}
