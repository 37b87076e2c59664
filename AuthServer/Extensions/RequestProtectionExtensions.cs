using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using McpAspire.AuthServer.Model;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using static McpAspire.AuthServer.Extensions.AuthorizationServerExtensions;

namespace McpAspire.AuthServer.Extensions;

/// <summary>
/// What stands in front of every endpoint: forwarded headers from a TLS proxy, HTTPS only outside
/// Development, CORS for the endpoints browser-based clients call, and request rate limits.
/// </summary>
public static class RequestProtectionExtensions
{
    private const string BrowserClientsPolicy = "browser-clients";

    /// <summary>Path prefix of RFC 7591 registration and RFC 7592 management (the registration feature maps it).</summary>
    private const string RegisterPath = "/register";

    public static WebApplicationBuilder AddRequestProtection(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RateLimitOptions>()
            .BindConfiguration(RateLimitOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        var settings = builder.Configuration.GetSection(AuthServerOptions.SectionName).Get<AuthServerOptions>() ?? new();
        if (!builder.Environment.IsDevelopment() && settings.Issuer is { Scheme: not "https" })
        {
            throw new InvalidOperationException("Outside Development the issuer (AuthServer:Issuer) must be an https URL.");
        }

        builder.Services.Configure<ForwardedHeadersOptions>(forwarded =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Only the TLS proxies named in configuration are believed (loopback is by default).
            foreach (var proxy in builder.Configuration.GetSection("ForwardedHeaders:KnownProxies").Get<string[]>() ?? [])
            {
                forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
            }
        });

        builder.Services.AddCors(cors => cors.AddPolicy(BrowserClientsPolicy, policy => policy
            .WithOrigins(settings.CorsOrigins)
            .WithMethods(HttpMethods.Get, HttpMethods.Post, HttpMethods.Put, HttpMethods.Delete)
            .WithHeaders("Authorization", "Content-Type", "MCP-Protocol-Version")
            .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));

        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = (context, _) =>
            {
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    context.HttpContext.Response.Headers.RetryAfter =
                        ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                }

                return ValueTask.CompletedTask;
            };

            // A global limiter, not endpoint policies: OpenIddict answers token, introspection and refused
            // authorization requests inside the authentication middleware, before endpoint routing runs.
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                var limits = context.RequestServices.GetRequiredService<IOptionsMonitor<RateLimitOptions>>().CurrentValue;
                var (name, limit) = LimitFor(context.Request, limits);
                if (limit is null)
                {
                    return RateLimitPartition.GetNoLimiter("unlimited");
                }

                var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
                return RateLimitPartition.GetFixedWindowLimiter($"{name}:{address}", _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = limit.PermitLimit,
                    Window = limit.Window,
                    QueueLimit = 0,
                });
            });
        });

        return builder;
    }

    /// <summary>Must come before authentication: OpenIddict answers most of its endpoints there.</summary>
    public static WebApplication UseRequestProtection(this WebApplication app)
    {
        app.UseForwardedHeaders();
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
            app.UseHttpsRedirection();
        }

        app.UseWhen(context => IsBrowserClientEndpoint(context.Request.Path), branch => branch.UseCors(BrowserClientsPolicy));
        app.UseRateLimiter();
        return app;
    }

    private static (string Name, RateLimit? Limit) LimitFor(HttpRequest request, RateLimitOptions limits) => request.Path.Value switch
    {
        _ when request.Path.StartsWithSegments(RegisterPath) => ("register", limits.Register),
        Paths.Authorize => ("authorize", limits.Authorize),
        Paths.Token => ("token", limits.Token),
        Paths.Introspect => ("introspect", limits.Introspect),
        // Showing the form costs nothing; posting it is what a password-guesser repeats.
        Paths.Login when HttpMethods.IsPost(request.Method) => ("login", limits.Login),
        _ => ("", null),
    };

    private static bool IsBrowserClientEndpoint(PathString path) =>
        path == Paths.OAuthMetadata || path == Paths.OpenIdMetadata || path == Paths.Jwks ||
        path.StartsWithSegments(RegisterPath) || path == Paths.Token || path == Paths.Revoke;
}
