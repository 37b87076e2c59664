using McpAspire.AuthServer.Persistence.Coordination;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace McpAspire.AuthServer.Introspection;

/// <summary>
/// Makes sure the MCP server's confidential client exists at start-up, with the introspection permission
/// and the configured secret. Only what is missing or stale is written: the client is created once, and
/// updated only when its secret or permissions (the resource URL changes with the deployment) differ.
/// Replicas starting together take turns (<see cref="DynamoDbStartupLock"/>): a client id is not a key DynamoDB can
/// make unique, so two replicas both finding the client missing would otherwise create it twice.
/// </summary>
public sealed partial class IntrospectionClientSeeder(
    IServiceScopeFactory scopes,
    IOptions<McpServerOptions> mcpServer,
    DynamoDbStartupLock startupLock,
    ILogger<IntrospectionClientSeeder> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
        => startupLock.RunExclusivelyAsync("introspection-client", SeedAsync, cancellationToken);

    private async Task SeedAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        var options = mcpServer.Value;
        var permissions = Permissions();

        var application = await applications.FindByClientIdAsync(options.IntrospectionClientId, cancellationToken);
        if (application is null)
        {
            var descriptor = new OpenIddictApplicationDescriptor
            {
                ClientId = options.IntrospectionClientId,
                ClientSecret = options.IntrospectionClientSecret,
                ClientType = ClientTypes.Confidential,
                DisplayName = "MCP server (token introspection)",
            };
            descriptor.Permissions.UnionWith(permissions);
            await applications.CreateAsync(descriptor, cancellationToken);
            LogCreated(logger, options.IntrospectionClientId);
            return;
        }

        var current = new OpenIddictApplicationDescriptor();
        await applications.PopulateAsync(current, application, cancellationToken);
        var secretMatches = await applications.ValidateClientSecretAsync(application, options.IntrospectionClientSecret, cancellationToken);
        if (secretMatches && current.Permissions.SetEquals(permissions))
        {
            return;
        }

        current.Permissions.Clear();
        current.Permissions.UnionWith(permissions);
        // PopulateAsync copied the stored hash into the descriptor: kept as is, the manager keeps it; a new
        // plain secret differs from the stored hash, so the manager hashes and stores it.
        if (!secretMatches)
        {
            current.ClientSecret = options.IntrospectionClientSecret;
        }
        await applications.UpdateAsync(application, current, cancellationToken);
        LogUpdated(logger, options.IntrospectionClientId, !secretMatches);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(LogLevel.Information, "Created the introspection client {ClientId}.")]
    private static partial void LogCreated(ILogger logger, string clientId);

    [LoggerMessage(LogLevel.Information, "Updated the introspection client {ClientId} (secret changed: {SecretChanged}).")]
    private static partial void LogUpdated(ILogger logger, string clientId, bool secretChanged);

    /// <summary>
    /// Introspection, and nothing else: a resource server asks about the tokens it is shown. It never obtains
    /// tokens of its own (a client_credentials token would reach Jenkins with no user behind it).
    /// </summary>
    private static HashSet<string> Permissions() =>
    [
        OpenIddictConstants.Permissions.Endpoints.Introspection,
    ];
}
