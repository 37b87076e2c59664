using McpAspire.AuthServer.Persistence.Faults;
using McpAspire.AuthServer.Persistence.Users;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace McpAspire.AuthServer.Tests.Persistence;

public sealed class FaultHandlingTests(DynamoDbLocalFixture dynamoDb) : IClassFixture<DynamoDbLocalFixture>
{
    // Nothing listens on port 1: every DynamoDB call fails to connect.
    private const string UnreachableDynamoDb = "http://127.0.0.1:1";

    private static async Task<WebApplication> StartAppAsync(string serviceUrl, string prefix, CapturingLoggerProvider logs)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Configuration["DynamoDb:TablePrefix"] = prefix;
        builder.Configuration["DataProtection:KeyEncryptionKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        builder.Logging.AddProvider(logs);
        builder.Services.AddSingleton<IAmazonDynamoDB>(_ => DynamoDbLocalFixture.CreateClient(serviceUrl));
        builder.AddDynamoDbPersistence();

        var app = builder.Build();
        app.UseDynamoDbFaultHandling();
        app.MapGet("/users/{name}", async (string name, IUserStore users, CancellationToken cancellationToken)
            => await users.FindByNameAsync(name, cancellationToken) is { } user ? Results.Ok(user.UserName) : Results.NotFound());
        app.MapGet("/bug", IResult () => throw new InvalidOperationException("a programming error"));
        await app.StartAsync();
        return app;
    }

    [Fact]
    public async Task DynamoDB_unreachable_answers_503_temporarily_unavailable_with_Retry_After_and_logs_no_query_string()
    {
        var logs = new CapturingLoggerProvider();
        await using var app = await StartAppAsync(UnreachableDynamoDb, TablePrefix.New("faults"), logs);

        var response = await app.GetTestClient().GetAsync(new Uri("/users/alice?code=SECRET-CODE-VALUE", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(DynamoDbFaultHandlingMiddleware.RetryAfterSeconds), response.Headers.RetryAfter?.Delta);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("temporarily_unavailable", body.RootElement.GetProperty("error").GetString());
        Assert.False(string.IsNullOrEmpty(body.RootElement.GetProperty("error_description").GetString()));
        var logLine = Assert.Single(logs.Entries, entry => entry.Category == typeof(DynamoDbFaultHandlingMiddleware).FullName);
        Assert.Equal(LogLevel.Warning, logLine.Level);
        Assert.Contains("GET /users/alice", logLine.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET-CODE-VALUE", logLine.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_table_answers_503_rather_than_500()
    {
        var logs = new CapturingLoggerProvider();
        await using var app = await StartAppAsync(dynamoDb.ServiceUrl, TablePrefix.New("never-created"), logs);

        var response = await app.GetTestClient().GetAsync(new Uri("/users/alice", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    [Fact]
    public async Task An_error_that_is_not_a_DynamoDB_fault_is_not_disguised_as_503()
    {
        var logs = new CapturingLoggerProvider();
        await using var app = await StartAppAsync(dynamoDb.ServiceUrl, TablePrefix.New("faults"), logs);

        await Assert.ThrowsAsync<InvalidOperationException>(() => app.GetTestClient().GetAsync(new Uri("/bug", UriKind.Relative)));
    }

    [Fact]
    public async Task The_readiness_check_is_healthy_only_when_DynamoDB_answers_and_is_not_a_liveness_check()
    {
        var prefix = TablePrefix.New("health");
        await dynamoDb.ProvisionAsync(prefix);
        var logs = new CapturingLoggerProvider();
        await using var reachable = await StartAppAsync(dynamoDb.ServiceUrl, prefix, logs);
        await using var unreachable = await StartAppAsync(UnreachableDynamoDb, prefix, logs);

        var healthy = await reachable.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        var unhealthy = await unreachable.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        Assert.Equal(HealthStatus.Healthy, healthy.Entries["dynamodb"].Status);
        Assert.Equal(HealthStatus.Unhealthy, unhealthy.Entries["dynamodb"].Status);
        Assert.DoesNotContain("live", unhealthy.Entries["dynamodb"].Tags);
    }
}
