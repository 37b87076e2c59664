using McpAspire.AuthServer.Registration.MetadataDocuments;
using McpAspire.AuthServer.Registration.OpenIddict;
using McpAspire.AuthServer.Registration.Services;
using McpAspire.AuthServer.Registration.Validation;

namespace McpAspire.AuthServer.Registration;

/// <summary>
/// Client registration for the authorization server: RFC 7591/7592 dynamic registration, Client ID Metadata
/// Documents, and the discovery metadata that advertises both.
/// </summary>
public static class RegistrationExtensions
{
    /// <summary>
    /// Registers the registration services, the <c>Registration</c> options, and two OpenIddict server handlers:
    /// the discovery additions and the resolution of metadata-document client ids at the authorization endpoint.
    /// Needs OpenIddict core (an application store) and server registered by the host.
    /// </summary>
    public static IHostApplicationBuilder AddClientRegistration(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;

        services.AddOptions<RegistrationOptions>()
            .Configure(options =>
            {
                // DEVELOPMENT-ONLY DEFAULT: local runs and tests serve metadata documents from loopback http.
                // Configuration may still turn it off; RegistrationOptionsValidation refuses it elsewhere.
                options.ClientIdMetadataDocuments.AllowLoopbackAndPrivateAddresses = builder.Environment.IsDevelopment();
            })
            .Bind(builder.Configuration.GetSection(RegistrationOptions.SectionName))
            // The resource and the public URL are the server's own settings, copied from their validated options.
            .PostConfigure<IOptions<McpServerOptions>, IOptions<AuthServerOptions>>((options, mcpServer, authServer) =>
            {
                options.McpResource = mcpServer.Value.ResourceUrl?.AbsoluteUri;
                options.PublicUrl = authServer.Value.PublicUrl;
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<RegistrationOptions>, RegistrationOptionsValidation>();

        services.AddMemoryCache();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ApplicationDescriptorFactory>();
        services.AddScoped<ClientRegistrationService>();
        services.AddTransient(provider => new ClientMetadataValidator(provider.GetRequiredService<IOptionsMonitor<RegistrationOptions>>().CurrentValue));
        services.AddSingleton<MetadataDocumentFetcher>();
        services.AddSingleton<MetadataDocumentResolver>();
        services.AddSingleton<RegistrationQuota>();

        services.AddOpenIddict().AddServer(server =>
        {
            server.AddEventHandler(AttachRegistrationMetadata.Descriptor);
            server.AddEventHandler(ResolveClientIdMetadataDocument.Descriptor);
        });

        return builder;
    }

    /// <summary>
    /// Maps <c>POST /register</c> and <c>GET/PUT/DELETE /register/{client_id}</c>. Their rate limit and CORS come
    /// from the host's request protection, which classifies requests by path before routing.
    /// </summary>
    public static IEndpointRouteBuilder MapClientRegistration(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapClientRegistrationApi();
        return endpoints;
    }
}
