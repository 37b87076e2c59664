using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using McpAspire.AuthServer.Tests.Infrastructure;

namespace McpAspire.AuthServer.Tests.Registration;

/// <summary>
/// The whole AppHost, with the registration and authorization rate limits lifted: these tests register a
/// client or two each, far more than one address may in a minute in production.
/// </summary>
public sealed class RegistrationFixture : AuthServerFixture
{
    protected override void Configure(IDistributedApplicationTestingBuilder builder)
    {
        builder.CreateResourceBuilder<ProjectResource>("auth-server")
            .WithEnvironment("RateLimiting__Register__PermitLimit", "10000")
            .WithEnvironment("RateLimiting__Authorize__PermitLimit", "10000");
    }
}
