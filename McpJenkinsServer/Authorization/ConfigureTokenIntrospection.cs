using OpenIddict.Validation;

namespace McpAspire.McpJenkinsServer.Authorization;

/// <summary>
/// OpenIddict's validation options from the validated <see cref="AuthServerOptions"/> and
/// <see cref="McpResourceOptions"/>: who introspects (this server's confidential client), where, which issuer the
/// tokens must come from, and which audience they must carry.
/// </summary>
public sealed class ConfigureTokenIntrospection(IOptions<AuthServerOptions> authServer, IOptions<McpResourceOptions> resource)
    : IConfigureOptions<OpenIddictValidationOptions>
{
    public void Configure(OpenIddictValidationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = authServer.Value;
        options.ClientId = settings.IntrospectionClientId;
        options.ClientSecret = settings.IntrospectionClientSecret;

        // The issuer tokens must come from is the public one clients see, but the introspection endpoint is reached
        // inside the application through service discovery: a static configuration says both, without fetching
        // discovery documents from the public URL.
        options.Issuer = settings.Issuer;
        options.Configuration = new OpenIddictConfiguration
        {
            Issuer = settings.Issuer,
            IntrospectionEndpoint = settings.IntrospectionEndpoint,
        };

        // RFC 8707: only tokens issued for this resource (the canonical /mcp URI) are accepted.
        options.Audiences.Add(resource.Value.ResourceUrl.AbsoluteUri);
    }
}
