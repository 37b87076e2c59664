using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The TLS proxies whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> a service believes (configuration
/// <c>ForwardedHeaders:KnownProxies</c>, IP addresses; loopback is believed by default). Every per-address limit
/// counts by the address they give, so a header from anyone else is ignored.
/// </summary>
public sealed class KnownProxiesOptions
{
    public const string SectionName = "ForwardedHeaders";

    public string[] KnownProxies { get; set; } = [];
}

public static class KnownProxiesExtensions
{
    /// <summary>Configures <see cref="ForwardedHeadersOptions"/> from the validated <see cref="KnownProxiesOptions"/>.</summary>
    public static TBuilder AddKnownProxies<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<KnownProxiesOptions>()
            .BindConfiguration(KnownProxiesOptions.SectionName)
            .Validate(
                proxies => proxies.KnownProxies.All(proxy => IPAddress.TryParse(proxy, out _)),
                "ForwardedHeaders:KnownProxies must list IP addresses.")
            .ValidateOnStart();
        builder.Services.AddOptions<ForwardedHeadersOptions>()
            .Configure<IOptions<KnownProxiesOptions>>((forwarded, proxies) =>
            {
                forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
                foreach (var proxy in proxies.Value.KnownProxies)
                {
                    forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
                }
            });
        return builder;
    }
}
