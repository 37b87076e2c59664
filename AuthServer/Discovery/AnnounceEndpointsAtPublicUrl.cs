using McpAspire.AuthServer.Registration;
using static OpenIddict.Server.OpenIddictServerEvents;
using static OpenIddict.Server.OpenIddictServerHandlers.Discovery;

namespace McpAspire.AuthServer.Discovery;

/// <summary>
/// Makes the metadata name this server's endpoints at its public URL (<c>AuthServer:PublicUrl</c>). OpenIddict
/// builds each relative endpoint URI against the base URI of the request that asked for the metadata, and
/// the registration feature builds <c>registration_endpoint</c> from the issuer: neither is where clients
/// reach this server when the issuer is the MCP server's URL and the metadata request arrived through the
/// MCP server, by service discovery, under an internal host name.
/// </summary>
public sealed class AnnounceEndpointsAtPublicUrl(IOptions<AuthServerOptions> options) : IOpenIddictServerHandler<HandleConfigurationRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleConfigurationRequestContext>()
            .UseSingletonHandler<AnnounceEndpointsAtPublicUrl>()
            // After the issuer is attached (it comes from the options, never from the base URI), before the endpoints are.
            .SetOrder(AttachIssuer.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(HandleConfigurationRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (options.Value.PublicUrl is not { } publicUrl)
        {
            return ValueTask.CompletedTask;
        }

        // This request only: OpenIddict's AttachEndpoints resolves the relative endpoint URIs against it.
        context.BaseUri = publicUrl;

        // Set before the registration feature's handler, which only adds the entry when it is missing.
        context.Metadata["registration_endpoint"] = new Uri(publicUrl, EndpointPaths.Register).AbsoluteUri;
        return ValueTask.CompletedTask;
    }
}
