using OpenIddict.Client;

namespace McpAspire.AuthServer.ExternalSignIn;

/// <summary>
/// Sign-in at upstream OpenID Connect providers (and GitHub) with OpenIddict's client, hosted beside the server in
/// this app as OpenIddict documents it: its own redirection endpoints (one per provider, pass-through to
/// <see cref="ExternalSignInApi"/>), its own credentials (<see cref="ConfigureExternalProviders"/>). Nothing is
/// registered when no provider is configured.
/// </summary>
public static class ExternalSignInExtensions
{
    public static WebApplicationBuilder AddExternalSignIn(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ExternalSignInOptions>()
            .BindConfiguration(ExternalSignInOptions.SectionName).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ExternalSignInOptions>, ExternalSignInOptionsValidation>());

        // Which providers exist decides which services exist; their settings are read (and validated) through the options.
        var configured = builder.Configuration.GetSection($"{ExternalSignInOptions.SectionName}:ExternalProviders").GetChildren().Any();
        if (!configured)
        {
            return builder;
        }

        builder.Services.AddSingleton<IConfigureOptions<OpenIddictClientOptions>, ConfigureExternalProviders>();
        builder.Services.AddOpenIddict().AddClient(client =>
        {
            // The code flow only. PKCE (S256), state (a single-use token entry bound to a correlation cookie), nonce,
            // the RFC 9207 "iss" check and the identity token's validation are OpenIddict's defaults, and nothing here
            // turns any of them off.
            client.AllowAuthorizationCodeFlow();

            var aspNetCore = client.UseAspNetCore()
                .EnableRedirectionEndpointPassthrough()
                // Challenges name the provider in the properties; no authentication scheme per provider name
                // (a provider called like an existing scheme could otherwise shadow it).
                .DisableAutomaticAuthenticationSchemeForwarding();
            if (builder.Environment.IsDevelopment())
            {
                // Development only: local runs are plain http on loopback, like the server's own endpoints.
                aspNetCore.DisableTransportSecurityRequirement();
            }

            client.UseSystemNetHttp()
                .SetProductInformation(typeof(ExternalSignInExtensions).Assembly);

            // GitHub and the other web providers OpenIddict knows (only GitHub is offered by configuration).
            client.UseWebProviders();
        });

        // The correlation cookie binds the state to the browser that started the sign-in. Lax is enough for the
        // query response mode (a top-level GET back from the provider) and stricter than OpenIddict's default (None,
        // which browsers refuse without Secure, i.e. on a plain-http local run).
        builder.Services.Configure<OpenIddict.Client.AspNetCore.OpenIddictClientAspNetCoreOptions>(options =>
        {
            options.CookieBuilder.SameSite = SameSiteMode.Lax;
            if (builder.Environment.IsDevelopment())
            {
                options.CookieBuilder.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            }
        });

        return builder;
    }
}
