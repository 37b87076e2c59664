using McpAspire.AuthServer.Tests.Persistence;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace McpAspire.AuthServer.Tests.Infrastructure;

/// <summary>
/// The auth server's real Program in process (as eShop's functional tests run a service), on tables of its own in
/// the shared DynamoDB Local, with <paramref name="settings"/> on top of what the AppHost would hand it. For
/// settings the shared AppHost cannot change for one test without changing them for all (rate limits, CORS
/// origins). Its tables must exist: <see cref="DynamoDbLocalFixture.ProvisionAsync"/> them first.
/// </summary>
public sealed class InProcessAuthServer(DynamoDbLocalFixture dynamoDb, string tablePrefix, IReadOnlyDictionary<string, string?> settings)
    : WebApplicationFactory<Program>
{
    public static readonly Uri Issuer = new("http://localhost/");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("DynamoDb:TablePrefix", tablePrefix);
        builder.UseSetting("Admin:Password", DistributedApplicationTestFactory.RandomSecret());
        builder.UseSetting("PasswordHashing:IterationCount", DistributedApplicationTestFactory.PasswordHashIterations);
        builder.UseSetting("AuthServer:Issuer", Issuer.AbsoluteUri);
        builder.UseSetting("McpServer:ResourceUrl", "http://localhost:5100/mcp");
        builder.UseSetting("McpServer:IntrospectionClientId", DistributedApplicationFixture.IntrospectionClientId);
        builder.UseSetting("McpServer:IntrospectionClientSecret", DistributedApplicationTestFactory.RandomSecret());
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services => services
            .RemoveAll<IAmazonDynamoDB>()
            .AddSingleton<IAmazonDynamoDB>(_ => DynamoDbLocalFixture.CreateClient(dynamoDb.ServiceUrl)));
    }

    /// <summary>Sends <paramref name="count"/> requests one after another, to reach a limit: every status, and the last response (the caller disposes it).</summary>
    public static async Task<(List<HttpStatusCode> Statuses, HttpResponseMessage Last)> SendRepeatedlyAsync(int count, Func<Task<HttpResponseMessage>> send)
    {
        ArgumentNullException.ThrowIfNull(send);
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < count; i++)
        {
            last?.Dispose();
            last = await send();
            statuses.Add(last.StatusCode);
        }

        return (statuses, last ?? throw new ArgumentOutOfRangeException(nameof(count), "Send at least one request."));
    }

    /// <summary>A client that follows no redirects and keeps no cookies, like <see cref="AuthServerFixture.CreateClient"/>.</summary>
    public HttpClient CreateClientWithoutRedirects()
        => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false, BaseAddress = Issuer });
}
