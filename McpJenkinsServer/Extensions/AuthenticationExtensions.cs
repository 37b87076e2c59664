using McpAspire.McpJenkinsServer.Authorization;
using McpAspire.McpJenkinsServer.Model;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using ModelContextProtocol.AspNetCore.Authentication;
using OpenIddict.Abstractions;
using OpenIddict.Validation;
using OpenIddict.Validation.AspNetCore;
using Polly;

namespace McpAspire.McpJenkinsServer.Extensions;

public static class AuthenticationExtensions
{
    /// <summary>The policy on the MCP endpoint: a valid token with the scope its messages need.</summary>
    public const string McpPolicy = "mcp";

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

        builder.Services.AddOpenIddict()
            // Validation only: this server never issues tokens, it asks the auth server about each one.
            .AddValidation(validation =>
            {
                // Reference tokens are opaque: only the auth server can say whether one is active, so every
                // request is introspected, and nothing is cached (revocation takes effect on the next call). Who
                // introspects, where, and for which issuer and audience: ConfigureTokenIntrospection.
                validation.UseIntrospection();

                // A single short attempt per introspection: the ServiceDefaults pipeline around every HttpClient
                // already retries, and a client must not wait half a minute to learn the auth server is down.
                validation.UseSystemNetHttp()
                    .SetHttpResiliencePipeline(pipeline => pipeline.AddTimeout(TimeSpan.FromSeconds(5)));
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
}
