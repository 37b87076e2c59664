using System.Threading.RateLimiting;
using McpAspire.AuthServer.Introspection;
using McpAspire.AuthServer.Registration;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.RateLimiting;

namespace McpAspire.AuthServer.RequestProtection;

/// <summary>
/// What stands in front of every endpoint: forwarded headers from a TLS proxy, HTTPS only outside
/// Development, CORS for the endpoints browser-based clients call, and request rate limits.
/// </summary>
public static class RequestProtectionExtensions
{
    private const string BrowserClientsPolicy = "browser-clients";

    public static WebApplicationBuilder AddRequestProtection(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RateLimitOptions>()
            .BindConfiguration(RateLimitOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        // Introspection calls refused for bad client credentials, per address (RateLimiting:FailedClientAuthentication).
        builder.Services.AddSingleton(provider =>
        {
            var limit = provider.GetRequiredService<IOptions<RateLimitOptions>>().Value.FailedClientAuthentication;
            // Divided per replica: it is asked on every introspection, which must stay at one storage read (ReplicaShare).
            return new FailuresPerAddress(ReplicaShare.Of(limit.PermitLimit, provider.GetRequiredService<IConfiguration>()), limit.Window);
        });
        builder.Services.AddOpenIddict().AddServer(server =>
        {
            foreach (var descriptor in LimitIntrospectionPerClient.Descriptors)
            {
                server.AddEventHandler(descriptor);
            }
        });

        builder.AddKnownProxies();

        builder.Services.AddCors();
        builder.Services.AddOptions<CorsOptions>().Configure<IOptions<AuthServerOptions>>((cors, settings) => cors.AddPolicy(BrowserClientsPolicy, policy => policy
            .WithOrigins(settings.Value.CorsOrigins)
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
                    RetryAfter.Set(context.HttpContext.Response, retryAfter);
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

                var address = ClientAddress.Partition(context.Connection.RemoteIpAddress);
                return RateLimitPartition.GetFixedWindowLimiter($"{name}:{address}", _ => new FixedWindowRateLimiterOptions
                {
                    // Divided per replica: counted on every request, where a shared count would cost a DynamoDB call (ReplicaShare).
                    PermitLimit = ReplicaShare.Of(limit.PermitLimit, context.RequestServices.GetRequiredService<IConfiguration>()),
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

    /// <summary>
    /// The limit a request counts against, classified exactly as the endpoints themselves match paths: OpenIddict
    /// and Razor Pages both ignore case and a trailing slash, so <c>/TOKEN</c> and <c>/token/</c> are the token
    /// endpoint here too. Introspection is limited per authenticated client instead (<see cref="LimitIntrospectionPerClient"/>).
    /// </summary>
    internal static (string Name, RateLimit? Limit) LimitFor(HttpRequest request, RateLimitOptions limits)
    {
        if (request.Path.StartsWithSegments(EndpointPaths.Register, StringComparison.OrdinalIgnoreCase))
        {
            return ("register", limits.Register);
        }

        var path = request.Path.Value?.TrimEnd('/') ?? "";
        return path switch
        {
            _ when Is(path, EndpointPaths.Authorize) => ("authorize", limits.Authorize),
            _ when Is(path, EndpointPaths.Token) => ("token", limits.Token),
            _ when Is(path, EndpointPaths.Revoke) => ("revoke", limits.Revoke),
            // Showing the form costs nothing; posting it is what a password-guesser repeats.
            _ when Is(path, EndpointPaths.Login) && HttpMethods.IsPost(request.Method) => ("login", limits.Login),
            // An upstream provider's callback costs a code redemption there and writes here: counted like a sign-in.
            _ when request.Path.StartsWithSegments(EndpointPaths.ExternalSignIn, StringComparison.OrdinalIgnoreCase) => ("login", limits.Login),
            // Each post asks Jenkins about a user id and token: as much a guess as a sign-in, in a budget of its own.
            _ when Is(path, EndpointPaths.JenkinsIdentity) && HttpMethods.IsPost(request.Method) => ("jenkins-link", limits.Login),
            _ => ("", null),
        };
    }

    private static bool Is(string path, string endpoint) => string.Equals(path, endpoint, StringComparison.OrdinalIgnoreCase);

    private static bool IsBrowserClientEndpoint(PathString path)
    {
        var value = path.Value?.TrimEnd('/') ?? "";
        return Is(value, EndpointPaths.OAuthMetadata) || Is(value, EndpointPaths.OpenIdMetadata) || Is(value, EndpointPaths.Jwks) ||
            path.StartsWithSegments(EndpointPaths.Register, StringComparison.OrdinalIgnoreCase) || Is(value, EndpointPaths.Token) || Is(value, EndpointPaths.Revoke);
    }
}
