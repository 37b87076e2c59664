namespace McpAspire.AppHost.Tests;

/// <summary>
/// How the AppHost hands the auth server its upstream identity providers: a secret parameter per configured provider
/// and none otherwise, and never a secret from configuration. The app is built, not started.
/// </summary>
public sealed class ExternalProvidersWiringTests
{
    [Fact]
    public async Task Without_providers_there_is_no_client_secret_parameter()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(["DynamoDbLocal:InMemory=true"]);

        Assert.DoesNotContain(builder.Resources.OfType<ParameterResource>(), parameter => parameter.Name.EndsWith("-client-secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Each_configured_provider_gets_a_secret_parameter_for_its_client_secret()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
        [
            "DynamoDbLocal:InMemory=true",
            "AuthServer:ExternalProviders:entra:Authority=https://login.microsoftonline.com/tenant/v2.0",
            "AuthServer:ExternalProviders:entra:ClientId=client",
            "AuthServer:ExternalProviders:github:Kind=GitHub",
            "AuthServer:ExternalProviders:github:ClientId=client",
        ]);

        var secrets = builder.Resources.OfType<ParameterResource>().Where(parameter => parameter.Name.EndsWith("-client-secret", StringComparison.Ordinal)).ToList();
        Assert.Equal(["entra-client-secret", "github-client-secret"], secrets.Select(parameter => parameter.Name).Order(StringComparer.Ordinal));
        Assert.All(secrets, parameter => Assert.True(parameter.Secret));
    }

    [Fact]
    public async Task A_client_secret_written_into_configuration_is_refused()
    {
        var failure = await Record.ExceptionAsync(async () =>
        {
            await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            [
                "DynamoDbLocal:InMemory=true",
                "AuthServer:ExternalProviders:corp:Authority=https://login.example.com/",
                "AuthServer:ExternalProviders:corp:ClientSecret=in-a-file",
            ]);
        });

        Assert.NotNull(failure);
        Assert.Contains("Parameters:corp-client-secret", failure.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("in-a-file", failure.ToString(), StringComparison.Ordinal);
    }
}
