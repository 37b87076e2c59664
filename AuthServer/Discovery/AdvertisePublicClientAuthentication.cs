using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace McpAspire.AuthServer.Discovery;

/// <summary>
/// Adds <c>none</c> to the token and revocation endpoints' authentication methods in discovery. OpenIddict
/// accepts public clients (no secret) but only lists the secret-based methods; MCP clients register as
/// public clients and look for <c>none</c> before they do.
/// </summary>
public sealed class AdvertisePublicClientAuthentication : IOpenIddictServerHandler<HandleConfigurationRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleConfigurationRequestContext>()
            .UseSingletonHandler<AdvertisePublicClientAuthentication>()
            .SetOrder(OpenIddictServerHandlers.Discovery.AttachClientAuthenticationMethods.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(HandleConfigurationRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.TokenEndpointAuthenticationMethods.Add(ClientAuthenticationMethods.None);
        context.RevocationEndpointAuthenticationMethods.Add(ClientAuthenticationMethods.None);
        return ValueTask.CompletedTask;
    }
}
