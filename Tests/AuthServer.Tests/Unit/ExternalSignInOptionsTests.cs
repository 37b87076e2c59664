using McpAspire.AuthServer.ExternalSignIn;
using Microsoft.Extensions.FileProviders;

namespace McpAspire.AuthServer.Tests.Unit;

/// <summary>What the auth server refuses to start with, and how a provider's settings are read.</summary>
public sealed class ExternalSignInOptionsTests
{
    [Fact]
    public void No_provider_and_local_accounts_is_today_s_configuration()
        => Assert.True(Validate(new ExternalSignInOptions(), development: false).Succeeded);

    [Fact]
    public void A_well_formed_https_provider_and_a_GitHub_provider_are_accepted()
    {
        var options = new ExternalSignInOptions();
        options.ExternalProviders["corp"] = Provider(new Uri("https://login.example.com/tenant/v2.0"));
        options.ExternalProviders["github"] = new ExternalProviderOptions { Kind = ExternalProviderKind.GitHub, ClientId = "id", ClientSecret = "secret" };

        Assert.True(Validate(options, development: false).Succeeded);
    }

    [Theory]
    [InlineData("http://login.example.com/", true, "must be an https URL")]
    [InlineData("http://localhost:8080/", false, "must be an https URL")]
    [InlineData("https://login.example.com/?tenant=1", false, "without query or fragment")]
    public void An_authority_that_is_not_https_or_has_a_query_is_refused(string authority, bool development, string expected)
    {
        var options = new ExternalSignInOptions();
        options.ExternalProviders["corp"] = Provider(new Uri(authority));

        var result = Validate(options, development);

        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_loopback_http_provider_is_allowed_in_Development_only()
    {
        var options = new ExternalSignInOptions();
        options.ExternalProviders["corp"] = Provider(new Uri("http://localhost:8080/"));

        Assert.True(Validate(options, development: true).Succeeded);
        Assert.True(Validate(options, development: false).Failed);
    }

    [Fact]
    public void Missing_client_credentials_a_bad_name_and_an_authority_for_GitHub_are_each_named()
    {
        var options = new ExternalSignInOptions();
        options.ExternalProviders["Bad Name"] = Provider(new Uri("https://login.example.com/"));
        options.ExternalProviders["corp"] = new ExternalProviderOptions { Authority = new Uri("https://login.example.com/") };
        options.ExternalProviders["github"] = new ExternalProviderOptions
        {
            Kind = ExternalProviderKind.GitHub, ClientId = "id", ClientSecret = "s", Authority = new Uri("https://github.com/"),
        };

        var message = Validate(options, development: false).FailureMessage;

        Assert.Contains("AuthServer:ExternalProviders:Bad Name: a provider name", message, StringComparison.Ordinal);
        Assert.Contains("AuthServer:ExternalProviders:corp:ClientId is required", message, StringComparison.Ordinal);
        Assert.Contains("AuthServer:ExternalProviders:corp:ClientSecret is required", message, StringComparison.Ordinal);
        Assert.Contains("AuthServer:ExternalProviders:github:Authority is fixed for GitHub", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Turning_local_accounts_off_needs_a_provider()
    {
        var options = new ExternalSignInOptions { LocalAccounts = { Enabled = false } };

        Assert.Contains("nobody could sign in", Validate(options, development: true).FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void OpenID_Connect_providers_are_always_asked_for_openid_and_GitHub_never()
    {
        Assert.Equal(["openid", "groups"], new ExternalProviderOptions { Scopes = "groups" }.EffectiveScopes());
        Assert.Equal(["openid", "profile", "email"], new ExternalProviderOptions().EffectiveScopes());
        Assert.Equal(["read:org"], new ExternalProviderOptions { Kind = ExternalProviderKind.GitHub, Scopes = "read:org" }.EffectiveScopes());
    }

    private static ExternalProviderOptions Provider(Uri authority)
        => new() { Authority = authority, ClientId = "client", ClientSecret = "secret" };

    private static Microsoft.Extensions.Options.ValidateOptionsResult Validate(ExternalSignInOptions options, bool development)
        => new ExternalSignInOptionsValidation(new Environment(development ? Environments.Development : Environments.Production)).Validate(null, options);

    private sealed class Environment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;
        public string ApplicationName { get; set; } = "AuthServer";
        public string ContentRootPath { get; set; } = "/";
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
