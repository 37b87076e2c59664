using static OpenIddict.Server.OpenIddictServerEvents;
using static OpenIddict.Server.OpenIddictServerHandlers.Discovery;

namespace McpAspire.AuthServer.Registration.OpenIddict;

/// <summary>
/// Adds to the discovery documents (RFC 8414 and OpenID) what OpenIddict 7.8 does not know about:
/// <c>registration_endpoint</c> (RFC 7591), <c>client_id_metadata_document_supported</c> (MCP 2025-11-25), and
/// <c>authorization_response_iss_parameter_supported</c> (RFC 9207) should OpenIddict ever stop emitting it.
/// </summary>
public sealed class AttachRegistrationMetadata(IOptionsMonitor<RegistrationOptions> options) : IOpenIddictServerHandler<HandleConfigurationRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleConfigurationRequestContext>()
            .UseSingletonHandler<AttachRegistrationMetadata>()
            // After OpenIddict's own metadata, so ours only fills what it left out.
            .SetOrder(AttachAdditionalMetadata.Descriptor.Order + 1_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(HandleConfigurationRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);

        if ((options.CurrentValue.PublicUrl ?? context.Issuer) is { } endpointBase)
        {
            context.Metadata.TryAdd("registration_endpoint", RegistrationEndpoint.For(endpointBase).AbsoluteUri);
        }

        if (options.CurrentValue.ClientIdMetadataDocuments.Enabled)
        {
            context.Metadata.TryAdd("client_id_metadata_document_supported", true);
        }

        context.Metadata.TryAdd(OpenIddictConstants.Metadata.AuthorizationResponseIssParameterSupported, true);
        return ValueTask.CompletedTask;
    }
}
