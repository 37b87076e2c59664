using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Http.Resilience;
using ModelContextProtocol.AspNetCore.Authentication;
using OpenIddict.Validation;
using OpenIddict.Validation.AspNetCore;
using OpenIddict.Validation.SystemNetHttp;

namespace McpAspire.McpJenkinsServer.Extensions;

public static class AuthenticationExtensions
{
    /// <summary>The policy on the MCP endpoint: a valid token with the scope its messages need.</summary>
    public const string McpPolicy = "mcp";

    /// <summary>What the names OpenIddict's System.Net.Http integration gives the HttpClients it introspects with start with.</summary>
    public static readonly string IntrospectionHttpClientPrefix = typeof(OpenIddictValidationSystemNetHttpOptions).Assembly.GetName().Name!;

    /// <summary>
    /// Token validation by introspection at our auth server for every request (no cache: a revoked token stops
    /// working at once), the RFC 9728 metadata and challenges, and the per-tool scope policy.
    /// </summary>
    public static IHostApplicationBuilder AddMcpAuthentication(this IHostApplicationBuilder builder)
    {
        var httpsRequired = !builder.Environment.IsDevelopment();
        builder.Services.AddOptions<AuthServerOptions>()
            .BindConfiguration(AuthServerOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => !httpsRequired || o.Issuer.Scheme == Uri.UriSchemeHttps, "AuthServer:Issuer must be https outside Development.")
            // The introspection call carries the client secret and every user's token: never in clear text in production.
            .Validate(o => !httpsRequired || o.IntrospectionEndpoint.Scheme == Uri.UriSchemeHttps, "AuthServer:IntrospectionEndpoint must be https outside Development.")
            .ValidateOnStart();
        builder.Services.AddOptions<McpResourceOptions>()
            .BindConfiguration(McpResourceOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.ResourceUrl.IsAbsoluteUri && !o.ResourceUrl.OriginalString.EndsWith('/'), "Mcp:ResourceUrl must be absolute, without a trailing slash.")
            .Validate(o => !httpsRequired || o.ResourceUrl.Scheme == Uri.UriSchemeHttps, "Mcp:ResourceUrl must be https outside Development.")
            .ValidateOnStart();

        // The introspection call made for every request goes through one resilience pipeline, OpenIddict's own below.
        // Without this the ServiceDefaults' standard handler (a rate limiter, a circuit breaker, two timeouts and three
        // retries, each with its telemetry) wrapped it as well, on every call (docs/benchmarks.md, issue 16).
        // Registered after the ServiceDefaults and before OpenIddict's own configuration of its clients, so that it
        // removes the default handler and not OpenIddict's (IntrospectionPipelineTests counts the attempts).
        builder.Services.AddSingleton<IConfigureOptions<HttpClientFactoryOptions>, WithoutDefaultResilience>();

        builder.Services.AddOpenIddict()
            // Validation only: this server never issues tokens, it asks the auth server about each one.
            .AddValidation(validation =>
            {
                // Reference tokens are opaque: only the auth server can say whether one is active, so every
                // request is introspected, and nothing is cached (revocation takes effect on the next call). Who
                // introspects, where, and for which issuer and audience: ConfigureTokenIntrospection.
                validation.UseIntrospection();

                // The introspection call's whole resilience: AuthServerCallResilience.
                validation.UseSystemNetHttp().SetHttpResiliencePipeline(AuthServerCallResilience.Configure);
                validation.UseAspNetCore();
            });
        builder.Services.AddSingleton<IConfigureOptions<OpenIddictValidationOptions>, ConfigureTokenIntrospection>();

        builder.Services.AddAuthentication(options =>
            {
                options.DefaultAuthenticateScheme = OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme;
                options.DefaultChallengeScheme = McpAuthenticationDefaults.AuthenticationScheme;
                options.DefaultForbidScheme = McpAuthenticationDefaults.AuthenticationScheme;
            })
            .AddScheme<McpAuthenticationOptions, McpBearerChallengeHandler>(McpAuthenticationDefaults.AuthenticationScheme, McpAuthenticationDefaults.DisplayName, null);

        builder.Services.AddOptions<McpAuthenticationOptions>(McpAuthenticationDefaults.AuthenticationScheme)
            .Configure<IOptions<McpResourceOptions>, IOptions<AuthServerOptions>>((options, resource, authServer) =>
            {
                options.ForwardAuthenticate = OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme;
                options.ResourceMetadata = new()
                {
                    Resource = resource.Value.ResourceUrl.OriginalString,
                    // The issuer exactly as the auth server's RFC 8414 metadata states it (normalized, so
                    // "http://host:port" becomes "http://host:port/"): clients compare the two character by character.
                    AuthorizationServers = { authServer.Value.Issuer.AbsoluteUri },
                    ScopesSupported = [.. McpScopes.All],
                    BearerMethodsSupported = ["header"],
                    ResourceName = "Jenkins MCP server",
                };
                // Serve the metadata at the path-inserted URL of /mcp and at the root, nowhere else.
                options.Events.OnResourceMetadataRequest = context =>
                {
                    var path = context.Request.Path;
                    if (path != McpScopes.ResourceMetadataPath && path != McpScopes.ResourceMetadataPath + resource.Value.Path)
                    {
                        context.SkipHandler();
                    }

                    return Task.CompletedTask;
                };
            });

        builder.Services.AddOptions<TokenScreeningOptions>()
            .BindConfiguration(TokenScreeningOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<TokenScreening>();
        builder.AddKnownProxies();

        builder.Services.AddSingleton<ToolScopes>();
        builder.Services.AddSingleton<IAuthorizationHandler, McpScopeAuthorizationHandler>();
        builder.Services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, McpAuthorizationResultHandler>();
        builder.Services.AddAuthorizationBuilder()
            // No scheme named here: challenges and forbids then go to the MCP scheme (the defaults above), which
            // writes the RFC 9728 / RFC 6750 challenges; naming OpenIddict's scheme would answer with its own.
            .AddPolicy(McpPolicy, policy => policy
                .RequireAuthenticatedUser()
                .AddRequirements(new McpScopeRequirement()));

        return builder;
    }

    /// <summary>
    /// Removes the resilience handlers added so far (the ServiceDefaults' standard one) from OpenIddict's introspection
    /// clients; OpenIddict adds its own afterwards. OpenIddict names its clients dynamically (its assembly's name, then
    /// per-client properties), hence a named configuration matched by prefix rather than <c>AddHttpClient(name)</c>.
    /// </summary>
    private sealed class WithoutDefaultResilience : IConfigureNamedOptions<HttpClientFactoryOptions>
    {
        public void Configure(HttpClientFactoryOptions options) => Configure(Options.DefaultName, options);

        public void Configure(string? name, HttpClientFactoryOptions options)
        {
            if (name?.StartsWith(IntrospectionHttpClientPrefix, StringComparison.Ordinal) != true)
            {
                return;
            }

#pragma warning disable EXTEXP0001 // ResilienceHandler is experimental; only its type is looked at.
            options.HttpMessageHandlerBuilderActions.Add(static handlers =>
            {
                for (var i = handlers.AdditionalHandlers.Count - 1; i >= 0; i--)
                {
                    if (handlers.AdditionalHandlers[i] is ResilienceHandler)
                    {
                        handlers.AdditionalHandlers.RemoveAt(i);
                    }
                }
            });
#pragma warning restore EXTEXP0001
        }
    }
}
