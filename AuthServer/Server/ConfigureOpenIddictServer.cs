using McpAspire.AuthServer.Discovery;

namespace McpAspire.AuthServer.Server;

/// <summary>
/// The parts of OpenIddict's server options that come from this server's settings, applied from the validated
/// <see cref="AuthServerOptions"/> and <see cref="McpServerOptions"/> (the rest is fixed in
/// <see cref="AuthorizationServerExtensions"/>). The same values the options validation checked are the ones used.
/// </summary>
public sealed class ConfigureOpenIddictServer(IOptions<AuthServerOptions> authServer, IOptions<McpServerOptions> mcpServer)
    : IConfigureOptions<OpenIddictServerOptions>
{
    public void Configure(OpenIddictServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = authServer.Value;
        var issuer = settings.Issuer ?? throw new OptionsValidationException(
            AuthServerOptions.SectionName, typeof(AuthServerOptions), ["AuthServer:Issuer must be configured."]);
        var resource = mcpServer.Value.ResourceUrl ?? throw new OptionsValidationException(
            McpServerOptions.SectionName, typeof(McpServerOptions), ["McpServer:ResourceUrl must be configured."]);

        // The issuer may be the MCP server's resource URL (the AppHost's choice: docs/auth-server.md, "Issuer and
        // discovery"): its metadata is then served at the MCP server's origin, forwarded from here, and names the
        // endpoints at this server's public URL.
        options.Issuer = issuer;
        options.ConfigurationEndpointUris.Clear();
        options.ConfigurationEndpointUris.AddRange(
            IssuerMetadataLocation.ConfigurationEndpointPaths(issuer, settings.PublicUrl).Select(path => new Uri(path, UriKind.Relative)));

        // RFC 8707: the MCP server is the only resource; any other "resource" is invalid_target.
        options.Resources.Add(resource);

        options.AccessTokenLifetime = settings.AccessTokenLifetime;
        options.RefreshTokenLifetime = settings.RefreshTokenLifetime;
        options.RefreshTokenReuseLeeway = settings.RefreshTokenReuseLeeway;
    }
}
