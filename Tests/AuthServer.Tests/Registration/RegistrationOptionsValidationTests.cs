using McpAspire.AuthServer.Registration;
using Microsoft.Extensions.FileProviders;

namespace McpAspire.AuthServer.Tests.Registration;

public sealed class RegistrationOptionsValidationTests
{
    private static RegistrationOptions WithLoopbackDocuments() => new()
    {
        ClientIdMetadataDocuments = new ClientIdMetadataDocumentOptions { AllowLoopbackAndPrivateAddresses = true },
    };

    [Fact]
    public void The_development_only_relaxation_stops_start_up_outside_development()
    {
        var result = new RegistrationOptionsValidation(new Environment(Environments.Production)).Validate(null, WithLoopbackDocuments());

        Assert.True(result.Failed);
        Assert.Contains("Development only", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void The_development_only_relaxation_is_accepted_in_development()
        => Assert.True(new RegistrationOptionsValidation(new Environment(Environments.Development)).Validate(null, WithLoopbackDocuments()).Succeeded);

    [Fact]
    public void A_cache_floor_above_its_ceiling_is_refused()
    {
        var options = new RegistrationOptions
        {
            ClientIdMetadataDocuments = new ClientIdMetadataDocumentOptions
            {
                MinimumCacheDuration = TimeSpan.FromHours(2),
                MaximumCacheDuration = TimeSpan.FromHours(1),
            },
        };

        Assert.True(new RegistrationOptionsValidation(new Environment(Environments.Production)).Validate(null, options).Failed);
    }

    [Fact]
    public void The_defaults_are_valid_in_production()
        => Assert.True(new RegistrationOptionsValidation(new Environment(Environments.Production)).Validate(null, new RegistrationOptions()).Succeeded);

    private sealed class Environment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;

        public string ApplicationName { get; set; } = "AuthServer";

        public string ContentRootPath { get; set; } = "/";

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
