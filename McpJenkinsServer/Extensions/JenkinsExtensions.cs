using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;

namespace McpAspire.McpJenkinsServer.Extensions;

public static class JenkinsExtensions
{
    /// <summary>How long one TCP connection attempt to Jenkins may take; two attempts and the retry delay stay under 5 s.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(1.5);

    /// <summary>
    /// The typed Jenkins client: service discovery resolves <c>https+http://jenkins</c>, the server's own API token
    /// authenticates (the MCP client's token never leaves this server), and redirects are not followed
    /// (Jenkins answers a stop with a redirect to the build page, which is not worth fetching).
    /// </summary>
    public static IHostApplicationBuilder AddJenkinsClient(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<JenkinsOptions>()
            .BindConfiguration(JenkinsOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.TryAddSingleton(TimeProvider.System);
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is experimental, but the supported way to replace the ServiceDefaults pipeline for one client.
        builder.Services.AddHttpClient<JenkinsClient>((services, http) =>
            {
                var options = services.GetRequiredService<IOptions<JenkinsOptions>>().Value;
                var root = options.Url.OriginalString.EndsWith('/') ? options.Url : new Uri(options.Url.OriginalString + "/");
                http.BaseAddress = root;
                http.Timeout = Timeout.InfiniteTimeSpan; // the resilience handler owns timeouts
                http.DefaultRequestHeaders.Authorization = JenkinsBasicAuthentication.Header(options.User, options.ApiToken);
                http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            })
            // A Jenkins that is down must become a tool error within 5 s: a connection attempt gets 1.5 s (a host that
            // does not answer SYNs), a refused one fails at once.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, ConnectTimeout = ConnectTimeout })
            // Replace the default pipeline: a retried POST could queue a build twice, so only safe methods retry; and
            // once, 250 ms later (the default three exponential retries made a dead Jenkins cost about 15 s, up to 30).
            .RemoveAllResilienceHandlers()
            .AddStandardResilienceHandler(resilience =>
            {
                resilience.Retry.DisableForUnsafeHttpMethods();
                resilience.Retry.MaxRetryAttempts = 1;
                resilience.Retry.BackoffType = Polly.DelayBackoffType.Constant;
                resilience.Retry.Delay = TimeSpan.FromMilliseconds(250);
                resilience.Retry.UseJitter = false;
                resilience.TotalRequestTimeout.Timeout = builder.Configuration.GetValue("Jenkins:RequestTimeout", TimeSpan.FromSeconds(30));
            });
#pragma warning restore EXTEXP0001

        builder.Services.AddScoped<BuildLauncher>();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton<BuildAttribution>();
        builder.Services.AddHostedService(services => services.GetRequiredService<BuildAttribution>());
        return builder;
    }
}
