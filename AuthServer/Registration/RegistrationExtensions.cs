using McpAspire.AuthServer.Registration.MetadataDocuments;
using McpAspire.AuthServer.Registration.OpenIddict;
using McpAspire.AuthServer.Registration.Services;
using McpAspire.AuthServer.Registration.Validation;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

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
            .PostConfigure<IConfiguration>((options, configuration) =>
            {
                var resource = configuration["McpServer:ResourceUrl"];
                options.McpResource = Uri.TryCreate(resource, UriKind.Absolute, out var uri) ? uri.AbsoluteUri : null;
                options.PublicUrl = Uri.TryCreate(configuration["AuthServer:PublicUrl"], UriKind.Absolute, out var publicUrl) ? publicUrl : null;
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
    /// Maps <c>POST /register</c> and <c>GET/PUT/DELETE /register/{client_id}</c>. The host applies its
    /// rate limiting and CORS to them through <see cref="ClientRegistrationApi.MapClientRegistrationApi"/>'s
    /// group when it needs the builder; this overload maps them as they are.
    /// </summary>
    public static IEndpointRouteBuilder MapClientRegistration(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapClientRegistrationApi();
        return endpoints;
    }
}
