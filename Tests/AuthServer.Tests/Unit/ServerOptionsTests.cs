using McpAspire.AuthServer.Server;
using OpenIddict.Server;

namespace McpAspire.AuthServer.Tests.Unit;

public class ServerOptionsTests
{
    private sealed class Environment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;
        public string ApplicationName { get; set; } = "AuthServer";
        public string ContentRootPath { get; set; } = "/";
        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = null!;
    }

    [Fact]
    public void Outside_Development_an_http_issuer_or_public_url_is_refused_with_the_setting_named()
    {
        var validation = new AuthServerOptionsValidation(new Environment(Environments.Production));

        var result = validation.Validate(null, new AuthServerOptions { Issuer = new("http://auth.example/"), PublicUrl = new("http://auth.example/") });

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, failure => failure.Contains("AuthServer:Issuer", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, failure => failure.Contains("AuthServer:PublicUrl", StringComparison.Ordinal));
        Assert.True(validation.Validate(null, new AuthServerOptions { Issuer = new("https://auth.example/") }).Succeeded);
    }

    [Fact]
    public void In_Development_plain_http_on_loopback_is_allowed()
    {
        var validation = new AuthServerOptionsValidation(new Environment(Environments.Development));

        Assert.True(validation.Validate(null, new AuthServerOptions { Issuer = new("http://localhost:5102/mcp") }).Succeeded);
    }

    [Fact]
    public void OpenIddict_gets_the_issuer_resource_lifetimes_and_metadata_paths_from_the_validated_settings()
    {
        var settings = new AuthServerOptions
        {
            Issuer = new("https://mcp.example/mcp"),
            PublicUrl = new("https://auth.example/"),
            AccessTokenLifetime = TimeSpan.FromMinutes(10),
            RefreshTokenLifetime = TimeSpan.FromDays(2),
            RefreshTokenReuseLeeway = TimeSpan.FromSeconds(5),
        };
        var mcpServer = new McpServerOptions { ResourceUrl = new("https://mcp.example/mcp") };
        var options = new OpenIddictServerOptions();

        new ConfigureOpenIddictServer(Options.Create(settings), Options.Create(mcpServer)).Configure(options);

        Assert.Equal(settings.Issuer, options.Issuer);
        Assert.Equal(new Uri("https://mcp.example/mcp"), Assert.Single(options.Resources));
        Assert.Equal(TimeSpan.FromMinutes(10), options.AccessTokenLifetime);
        Assert.Equal(TimeSpan.FromDays(2), options.RefreshTokenLifetime);
        Assert.Equal(TimeSpan.FromSeconds(5), options.RefreshTokenReuseLeeway);
        // The issuer lives at another origin: only the forwarded path is answered here.
        Assert.Equal("/authorization-server-metadata", Assert.Single(options.ConfigurationEndpointUris).OriginalString);
    }

    [Fact]
    public void A_missing_issuer_stops_start_up_with_the_setting_named()
    {
        var configure = new ConfigureOpenIddictServer(Options.Create(new AuthServerOptions()), Options.Create(new McpServerOptions { ResourceUrl = new("https://mcp.example/mcp") }));

        var error = Assert.Throws<OptionsValidationException>(() => configure.Configure(new OpenIddictServerOptions()));

        Assert.Contains("AuthServer:Issuer", error.Message, StringComparison.Ordinal);
    }
}
