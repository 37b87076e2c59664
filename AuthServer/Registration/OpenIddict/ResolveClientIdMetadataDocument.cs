using McpAspire.AuthServer.Registration.MetadataDocuments;
using McpAspire.AuthServer.Registration.Model;
using McpAspire.AuthServer.Registration.Services;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;
using static OpenIddict.Server.OpenIddictServerHandlers.Authentication;

namespace McpAspire.AuthServer.Registration.OpenIddict;

/// <summary>
/// Client ID Metadata Documents (MCP 2025-11-25): when an authorization request's <c>client_id</c> is a URL,
/// resolve its document and make it a known public OpenIddict application (created, or refreshed when the
/// document was fetched anew) before OpenIddict authenticates the client. OpenIddict then enforces everything
/// else as for any client: the redirect URI must be one of the document's, PKCE, scopes, resource.
/// A document that cannot be fetched or is invalid refuses the request with <c>invalid_request</c> (as OpenIddict refuses an unknown client id there); OpenIddict
/// shows that error instead of redirecting, since no redirect URI was validated.
/// </summary>
public sealed partial class ResolveClientIdMetadataDocument(
    MetadataDocumentResolver resolver,
    IOpenIddictApplicationManager applications,
    ApplicationDescriptorFactory descriptors,
    IOptionsMonitor<RegistrationOptions> options,
    TimeProvider time,
    ILogger<ResolveClientIdMetadataDocument> logger) : IOpenIddictServerHandler<ValidateAuthorizationRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateAuthorizationRequestContext>()
            .UseScopedHandler<ResolveClientIdMetadataDocument>()
            // After the client_id presence check, before ValidateAuthentication looks the client up.
            .SetOrder(ValidateClientIdParameter.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ValidateAuthorizationRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);

        var clientId = context.ClientId;
        if (!options.CurrentValue.ClientIdMetadataDocuments.Enabled || !MetadataDocumentUrl.IsUrlShaped(clientId))
        {
            return;
        }

        var existing = await applications.FindByClientIdAsync(clientId!, context.CancellationToken);
        if (existing is not null && !await IsFromMetadataDocumentAsync(existing, context.CancellationToken))
        {
            // A client registered some other way under a URL-shaped id: OpenIddict handles it as usual.
            return;
        }

        var resolved = await resolver.ResolveAsync(clientId!, context.CancellationToken);
        if (resolved.Metadata is null)
        {
            context.Reject(Errors.InvalidRequest, resolved.Failure);
            return;
        }

        if (existing is null)
        {
            await CreateAsync(clientId!, resolved.Metadata, context.CancellationToken);
        }
        else if (resolved.FetchedNow)
        {
            var descriptor = new OpenIddictApplicationDescriptor();
            await applications.PopulateAsync(descriptor, existing, context.CancellationToken);
            Describe(resolved.Metadata, descriptor);
            await applications.UpdateAsync(existing, descriptor, context.CancellationToken);
            LogRefreshed(logger, clientId!);
        }
    }

    private async Task CreateAsync(string clientId, ClientMetadata metadata, CancellationToken cancellationToken)
    {
        var descriptor = new OpenIddictApplicationDescriptor { ClientId = clientId };
        Describe(metadata, descriptor);
        // Re-creatable from its URL at any time, so it expires like any unused registration.
        descriptor.Properties[RegistrationProperties.UnusedRegistrationExpiresAt] = RegistrationProperties.Number(
            (time.GetUtcNow() + options.CurrentValue.UnusedRegistrationLifetime).ToUnixTimeSeconds());
        descriptor.Properties[RegistrationProperties.ClientIdIssuedAt] = RegistrationProperties.Number(time.GetUtcNow().ToUnixTimeSeconds());

        try
        {
            await applications.CreateAsync(descriptor, cancellationToken);
            LogCreated(logger, clientId);
        }
        catch (OpenIddictExceptions.ValidationException)
        {
            // A concurrent request for the same document may have created it first: then there is nothing to do.
            if (await applications.FindByClientIdAsync(clientId, cancellationToken) is null)
            {
                throw;
            }
        }
    }

    private void Describe(ClientMetadata metadata, OpenIddictApplicationDescriptor descriptor)
    {
        descriptors.Apply(metadata, descriptor);
        descriptor.Properties[RegistrationProperties.FromMetadataDocument] = System.Text.Json.JsonSerializer.SerializeToElement(true);
        descriptor.Properties[RegistrationProperties.ClientMetadata] = RegistrationProperties.Metadata(metadata);
    }

    private async Task<bool> IsFromMetadataDocumentAsync(object application, CancellationToken cancellationToken)
        => (await applications.GetPropertiesAsync(application, cancellationToken)).ContainsKey(RegistrationProperties.FromMetadataDocument);

    [LoggerMessage(LogLevel.Information, "Created the application of client metadata document {ClientId}")]
    private static partial void LogCreated(ILogger logger, string clientId);

    [LoggerMessage(LogLevel.Information, "Refreshed the application of client metadata document {ClientId}")]
    private static partial void LogRefreshed(ILogger logger, string clientId);
}
