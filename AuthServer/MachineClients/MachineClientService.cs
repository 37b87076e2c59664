using McpAspire.AuthServer.Registration.Services;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace McpAspire.AuthServer.MachineClients;

/// <summary>A machine client just created: the only time its secret is ever shown.</summary>
public sealed record CreatedMachineClient(string ClientId, string ClientSecret, IReadOnlyList<string> Scopes);

/// <summary>
/// Machine clients: confidential clients that obtain tokens for themselves with <c>client_credentials</c>
/// (CI jobs, automation), with exactly the MCP scopes an administrator granted them. Anonymous registration
/// cannot create them: a token without a person behind it is given out only by someone who answers for it.
/// </summary>
public sealed partial class MachineClientService(
    IOpenIddictApplicationManager applications,
    IOptions<McpServerOptions> mcpServer,
    ILogger<MachineClientService> logger)
{
    /// <summary>The application property (true) that marks an administrator-provisioned machine client.</summary>
    public const string MachineClientProperty = "machine_client";

    public const int MaxNameLength = 100;

    /// <summary>Creates a machine client named <paramref name="name"/> that may obtain <paramref name="scopes"/>.</summary>
    public async Task<CreatedMachineClient> CreateAsync(string name, IReadOnlyCollection<string> scopes, string createdBy, CancellationToken cancellationToken)
    {
        if (scopes.Count == 0 || scopes.Any(scope => !McpScopes.Mcp.Contains(scope, StringComparer.Ordinal)))
        {
            throw new ArgumentException("A machine client is granted one or more MCP scopes and nothing else.", nameof(scopes));
        }

        var clientId = "machine-" + RegistrationAccessTokens.NewClientId();
        var secret = RegistrationAccessTokens.NewCredential();
        var granted = McpScopes.Mcp.Where(scopes.Contains).ToList();
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientSecret = secret,
            ClientType = ClientTypes.Confidential,
            DisplayName = name,
        };
        descriptor.Permissions.UnionWith(
        [
            Permissions.Endpoints.Token,
            Permissions.Endpoints.Revocation,
            Permissions.GrantTypes.ClientCredentials,
            Permissions.Prefixes.Resource + mcpServer.Value.Resource,
            .. granted.Select(scope => Permissions.Prefixes.Scope + scope),
        ]);
        descriptor.Properties[MachineClientProperty] = JsonSerializer.SerializeToElement(true);
        await applications.CreateAsync(descriptor, cancellationToken);

        LogCreated(logger, clientId, string.Join(' ', granted), createdBy);
        return new CreatedMachineClient(clientId, secret, granted);
    }

    /// <summary>Deletes the machine client and, through OpenIddict, its tokens; false when no such machine client exists.</summary>
    public async Task<bool> DeleteAsync(string clientId, string deletedBy, CancellationToken cancellationToken)
    {
        var application = await applications.FindByClientIdAsync(clientId, cancellationToken);
        if (application is null || !await IsMachineClientAsync(application, cancellationToken))
        {
            return false;
        }

        await applications.DeleteAsync(application, cancellationToken);
        LogDeleted(logger, clientId, deletedBy);
        return true;
    }

    /// <summary>Whether <paramref name="application"/> was provisioned by an administrator as a machine client.</summary>
    public async ValueTask<bool> IsMachineClientAsync(object application, CancellationToken cancellationToken)
    {
        var properties = await applications.GetPropertiesAsync(application, cancellationToken);
        return properties.TryGetValue(MachineClientProperty, out var value) && value.ValueKind == JsonValueKind.True;
    }

    [LoggerMessage(LogLevel.Information, "Machine client {ClientId} created with scopes {Scopes} by {Administrator}.")]
    private static partial void LogCreated(ILogger logger, string clientId, string scopes, string administrator);

    [LoggerMessage(LogLevel.Information, "Machine client {ClientId} deleted by {Administrator}.")]
    private static partial void LogDeleted(ILogger logger, string clientId, string administrator);
}
