using McpAspire.AuthServer.Authorization;
using McpAspire.AuthServer.ClientAuthentication;
using McpAspire.AuthServer.Discovery;
using McpAspire.AuthServer.Introspection;
using McpAspire.AuthServer.Pages;
using McpAspire.AuthServer.Persistence;
using McpAspire.AuthServer.Persistence.Keys;
using McpAspire.AuthServer.Persistence.OpenIddict;
using McpAspire.AuthServer.Registration.OpenIddict;
using McpAspire.AuthServer.Tokens;
using Microsoft.AspNetCore.Authentication.Cookies;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace McpAspire.AuthServer.Server;

/// <summary>The OAuth 2.1 authorization server: OpenIddict, the sign-in session, and the pages users see.</summary>
public static class AuthorizationServerExtensions
{
    public static WebApplicationBuilder AddAuthorizationServer(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthServerOptions>()
            .BindConfiguration(AuthServerOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AuthServerOptions>, AuthServerOptionsValidation>();
        builder.Services.AddOptions<McpServerOptions>()
            .BindConfiguration(McpServerOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<LoginThrottleOptions>()
            .BindConfiguration(LoginThrottleOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        // The issuer, the resource and the lifetimes come from the validated settings (ConfigureOpenIddictServer).
        builder.Services.AddSingleton<IConfigureOptions<OpenIddictServerOptions>, ConfigureOpenIddictServer>();
        builder.Services.AddOpenIddict()
            // Stores: applications, authorizations, scopes and tokens in DynamoDB. A client secret verified once
            // is not derived again for a few minutes: the MCP server presents it on every introspection. A replayed
            // refresh token revokes its authorization too, and with it every token in its live set (TokenFamily).
            .AddCore(core => core.UseDynamoDb().RememberVerifiedClientSecrets().RevokeTokenFamiliesThroughTheirAuthorization())
            .AddServer(server =>
            {
                // Endpoints, relative: matched against whatever host a request arrives at (the MCP server introspects
                // by service discovery); announced at the public URL.
                server.SetAuthorizationEndpointUris(EndpointPaths.Authorize)
                    .SetTokenEndpointUris(EndpointPaths.Token)
                    .SetIntrospectionEndpointUris(EndpointPaths.Introspect)
                    .SetRevocationEndpointUris(EndpointPaths.Revoke)
                    .SetJsonWebKeySetEndpointUris(EndpointPaths.Jwks);

                // Flows: OAuth 2.1 keeps the code flow (with PKCE), refresh tokens and client credentials.
                server.AllowAuthorizationCodeFlow()
                    .AllowRefreshTokenFlow()
                    .AllowClientCredentialsFlow();

                // PKCE on every code request, S256 only: "plain" would let an intercepted code be redeemed.
                server.RequireProofKeyForCodeExchange();
                server.Configure(options =>
                {
                    options.CodeChallengeMethods.Clear();
                    options.CodeChallengeMethods.Add(CodeChallengeMethods.Sha256);
                    // Client secrets only (basic or post); we publish no way to register client keys.
                    options.ClientAuthenticationMethods.Remove(ClientAuthenticationMethods.PrivateKeyJwt);
                });

                // Scopes: the MCP ones, and the OpenID ones clients ask for by default (granting nothing more).
                server.RegisterScopes([.. McpScopes.Supported]);

                // Opaque reference tokens, stored via the token store: revocable at once, readable only by
                // introspection. Rolling refresh tokens (on by default) rotate on every use, and replaying a
                // redeemed one revokes its whole authorization.
                server.UseReferenceAccessTokens()
                    .UseReferenceRefreshTokens()
                    // A reference access token's payload never leaves this server: clients and the MCP server
                    // hold only a random identifier, whose hash is what is stored. Encrypting the payload (OpenIddict's
                    // default) hid nothing the authorization item beside it does not already show (subject, client,
                    // scopes) and cost an RSA private-key operation on every introspection. It stays signed, and
                    // the signature is still checked each time. Refresh tokens and codes remain encrypted.
                    .DisableAccessTokenEncryption();

                // Signing and encryption keys shared by every replica and kept across restarts.
                server.UseDynamoDbKeys();

                // A new token is one conditional transaction where OpenIddict's handlers make three calls, and a token
                // revoked before its authorization answers for it alone: introspection reads one item
                // (AuthServer/Tokens/FamilyRevokingTokenManager.cs, ValidateAuthorizationThroughTokenEntry.cs).
                server.CheckAndWriteTokensInOneCall();

                server.AddEventHandler(AdvertisePublicClientAuthentication.Descriptor)
                    .AddEventHandler(AnnounceEndpointsAtPublicUrl.Descriptor)
                    .AddEventHandler(IssueRefreshTokensToRegisteredClients.Descriptor)
                    .AddEventHandler(AlwaysStateGrantedScopes.Descriptor)
                    .AddEventHandler(RedirectErrorsToLoopbackClients.Descriptor)
                    .AddEventHandler(RequireCallerInAudience.Descriptor)
                    .AddEventHandler(KeepUsedRegistration.Descriptor);

                var aspNetCore = server.UseAspNetCore()
                    // Our pages sign the user in and ask for consent; our token endpoint re-checks the user.
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    // Errors that cannot go back to a verified redirect URI are shown by our page, in HTML.
                    .EnableErrorPassthrough();
                if (builder.Environment.IsDevelopment())
                {
                    // Development only: local runs are plain http on loopback (no certificate on these machines).
                    aspNetCore.DisableTransportSecurityRequirement();
                }
            });

        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(CookieAuthenticationDefaults.AuthenticationScheme, cookie =>
            {
                cookie.LoginPath = EndpointPaths.Login;
                cookie.Cookie.Name = "mcpaspire.session";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Lax;
                cookie.Cookie.SecurePolicy = builder.Environment.IsDevelopment()
                    ? CookieSecurePolicy.SameAsRequest
                    : CookieSecurePolicy.Always;
                cookie.SlidingExpiration = false;
                cookie.EventsType = typeof(SessionCookieEvents);
            });
        builder.Services.AddScoped<SessionCookieEvents>();
        builder.Services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthServerOptions>>((cookie, settings) => cookie.ExpireTimeSpan = settings.Value.SessionLifetime);
        builder.Services.AddAuthorization();

        builder.Services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = "mcpaspire.antiforgery";
            antiforgery.Cookie.SecurePolicy = builder.Environment.IsDevelopment()
                ? CookieSecurePolicy.SameAsRequest
                : CookieSecurePolicy.Always;
            // The token travels in the form only, so the no-JavaScript forms and curl both work.
            antiforgery.FormFieldName = "__RequestVerificationToken";
        });
        // Every page under /Admin is for administrators, so a page added there cannot forget to say so.
        builder.Services.AddRazorPages(pages => pages.Conventions.AuthorizeFolder("/Admin", AdministratorRequirement.PolicyName))
            .AddMvcOptions(mvc => mvc.Filters.Add<PageSecurityHeaders>());

        builder.Services.AddMemoryCache();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<LoginThrottle>();
        builder.Services.AddScoped<TokenIssuance>();
        builder.Services.AddHostedService<IntrospectionClientSeeder>();

        return builder;
    }

    /// <summary>The sign-in pages, the pass-through authorization page and the token endpoint.</summary>
    public static WebApplication MapAuthorizationServer(this WebApplication app)
    {
        app.MapRazorPages();
        app.MapTokenApi();
        return app;
    }
}
