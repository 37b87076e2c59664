using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace McpAspire.AuthServer.Tests.Unit;

/// <summary>The ServiceDefaults pieces both services' limits rest on.</summary>
public sealed class KnownProxiesAndRetryAfterTests
{
    private static ServiceProvider Services(params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings.Select(setting => KeyValuePair.Create(setting.Key, (string?)setting.Value)));
        builder.AddKnownProxies();
        return builder.Services.BuildServiceProvider();
    }

    [Fact]
    public void Forwarded_headers_are_believed_from_the_configured_proxies_only()
    {
        using var services = Services(("ForwardedHeaders:KnownProxies:0", "10.0.0.5"), ("ForwardedHeaders:KnownProxies:1", "2001:db8::5"));

        var forwarded = services.GetRequiredService<IOptions<ForwardedHeadersOptions>>().Value;

        Assert.Contains(IPAddress.Parse("10.0.0.5"), forwarded.KnownProxies);
        Assert.Contains(IPAddress.Parse("2001:db8::5"), forwarded.KnownProxies);
        Assert.DoesNotContain(IPAddress.Parse("10.0.0.6"), forwarded.KnownProxies);
        Assert.Equal(Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedProto, forwarded.ForwardedHeaders);
    }

    [Fact]
    public void A_proxy_that_is_not_an_address_is_refused_with_the_setting_named()
    {
        using var services = Services(("ForwardedHeaders:KnownProxies:0", "proxy.internal"));

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<KnownProxiesOptions>>().Value);

        Assert.Contains("ForwardedHeaders:KnownProxies", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, "1")]
    [InlineData(200, "1")]
    [InlineData(1000, "1")]
    [InlineData(1001, "2")]
    [InlineData(90_000, "90")]
    public void Retry_after_is_whole_seconds_rounded_up_and_never_zero(int milliseconds, string expected)
    {
        var response = new DefaultHttpContext().Response;

        RetryAfter.Set(response, TimeSpan.FromMilliseconds(milliseconds));

        Assert.Equal(expected, response.Headers.RetryAfter.ToString());
    }
}
