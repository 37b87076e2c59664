using McpAspire.AuthServer.Registration;
using McpAspire.AuthServer.Registration.MetadataDocuments;

namespace McpAspire.AuthServer.Tests.Registration;

public sealed class CacheLifetimeTests
{
    private static readonly ClientIdMetadataDocumentOptions Options = new()
    {
        MinimumCacheDuration = TimeSpan.FromMinutes(5),
        MaximumCacheDuration = TimeSpan.FromHours(24),
        DefaultCacheDuration = TimeSpan.FromHours(1),
    };

    private static TimeSpan LifetimeOf(Action<HttpResponseMessage> setHeaders)
    {
        using var response = new HttpResponseMessage { Content = new ByteArrayContent([]) };
        setHeaders(response);
        return CacheLifetime.From(response.Headers, response.Content.Headers, Options);
    }

    [Fact]
    public void Max_age_within_the_bounds_is_honoured_minus_the_age()
        => Assert.Equal(TimeSpan.FromMinutes(50), LifetimeOf(response =>
        {
            response.Headers.CacheControl = new CacheControlHeaderValue { MaxAge = TimeSpan.FromHours(1) };
            response.Headers.Age = TimeSpan.FromMinutes(10);
        }));

    [Fact]
    public void No_store_and_tiny_max_age_are_raised_to_the_floor()
    {
        Assert.Equal(Options.MinimumCacheDuration, LifetimeOf(response => response.Headers.CacheControl = new CacheControlHeaderValue { NoStore = true }));
        Assert.Equal(Options.MinimumCacheDuration, LifetimeOf(response => response.Headers.CacheControl = new CacheControlHeaderValue { MaxAge = TimeSpan.FromSeconds(1) }));
    }

    [Fact]
    public void A_year_long_max_age_is_cut_to_the_ceiling()
        => Assert.Equal(Options.MaximumCacheDuration, LifetimeOf(response =>
            response.Headers.CacheControl = new CacheControlHeaderValue { MaxAge = TimeSpan.FromDays(365) }));

    [Fact]
    public void Expires_is_used_when_there_is_no_max_age()
    {
        var now = DateTimeOffset.UtcNow;
        Assert.Equal(TimeSpan.FromHours(2), LifetimeOf(response =>
        {
            response.Headers.Date = now;
            response.Content.Headers.Expires = now.AddHours(2);
        }));
    }

    [Fact]
    public void Without_caching_headers_the_default_applies()
        => Assert.Equal(Options.DefaultCacheDuration, LifetimeOf(_ => { }));
}
