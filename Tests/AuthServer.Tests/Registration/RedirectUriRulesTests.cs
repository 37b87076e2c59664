using McpAspire.AuthServer.Registration.Validation;

namespace McpAspire.AuthServer.Tests.Registration;

public sealed class RedirectUriRulesTests
{
    [Theory]
    [InlineData("https://app.example.com/callback")]
    [InlineData("https://app.example.com:8443/callback?tenant=1")]
    [InlineData("http://127.0.0.1/callback")]
    [InlineData("http://127.0.0.1:33418")]
    [InlineData("http://localhost:6274/oauth/callback")]
    [InlineData("http://[::1]:9000/cb")]
    [InlineData("https://localhost/cb")]
    public void Https_and_loopback_http_redirect_uris_are_accepted(string uri)
        => Assert.Null(RedirectUriRules.Check(uri, 2048));

    [Theory]
    [InlineData("http://example.com/cb")]
    [InlineData("http://127.0.0.2/cb")]
    [InlineData("http://10.0.0.1/cb")]
    [InlineData("http://localhost.example.com/cb")]
    [InlineData("https://app.example.com/cb#section")]
    [InlineData("myapp://callback")]
    [InlineData("file:///etc/passwd")]
    [InlineData("/relative")]
    [InlineData("https:///no-host")]
    [InlineData("https://app.example.com/cb?a=1&iss=x")]
    public void Other_redirect_uris_are_refused_with_a_reason(string uri)
        => Assert.False(string.IsNullOrWhiteSpace(RedirectUriRules.Check(uri, 2048)));

    [Fact]
    public void A_loopback_uri_with_a_port_gets_a_portless_variant_that_OpenIddict_matches_on_any_port()
    {
        var variant = RedirectUriRules.AnyPortVariant(new Uri("http://127.0.0.1:49152/callback?x=1"));

        Assert.NotNull(variant);
        Assert.True(variant.IsDefaultPort);
        Assert.Equal("127.0.0.1", variant.Host);
        Assert.Equal("/callback", variant.AbsolutePath);
        Assert.Equal("?x=1", variant.Query);
    }

    [Theory]
    [InlineData("http://127.0.0.1/callback")]
    [InlineData("https://127.0.0.1:8443/callback")]
    [InlineData("https://app.example.com:8443/callback")]
    public void Portless_loopback_and_non_loopback_uris_get_no_variant(string uri)
        => Assert.Null(RedirectUriRules.AnyPortVariant(new Uri(uri)));
}
