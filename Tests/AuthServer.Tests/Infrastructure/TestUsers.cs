extern alias apphost;

using System.Net;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using apphost::McpAspire.AppHost.DynamoDb;
using McpAspire.AuthServer.Persistence.Infrastructure;
using McpAspire.AuthServer.Persistence.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpAspire.AuthServer.Tests.Infrastructure;

/// <summary>A user of the running auth server with the password the test gave it.</summary>
public sealed record TestUser(string Subject, string UserName, string Password);

/// <summary>
/// Users other than the seeded administrator, each test its own: written into the AppHost's DynamoDB Local with the
/// auth server's own user store (the server has no page to create users yet), so they sign in like anyone.
/// </summary>
public static class TestUsers
{
    public static async Task<TestUser> CreateAsync(AuthServerFixture fixture, string what)
    {
        using var dynamoDb = new AmazonDynamoDBClient(
            new BasicAWSCredentials(DynamoDbLocalDefaults.LocalOnlyAccessKeyId, DynamoDbLocalDefaults.LocalOnlySecretAccessKey),
            new AmazonDynamoDBConfig
            {
                ServiceURL = fixture.App.GetEndpoint("dynamodb", DynamoDbLocalDefaults.EndpointName).AbsoluteUri,
                AuthenticationRegion = DynamoDbLocalDefaults.LocalRegion,
            });
        var store = new DynamoDbUserStore(
            dynamoDb, new DynamoDbTableNames(DynamoDbLocalDefaults.DefaultTablePrefix), new PasswordHasher<AppUser>(), TimeProvider.System,
            NullLogger<DynamoDbUserStore>.Instance);
        var password = DistributedApplicationTestFactory.RandomSecret();
        var user = await store.CreateAsync($"{what}-{Guid.NewGuid():N}", password, CancellationToken.None);
        return new TestUser(user.Id, user.UserName, password);
    }

    /// <summary>Opens <paramref name="path"/> in <paramref name="browser"/>, signing in on the way as a browser would; returns the page.</summary>
    public static async Task<string> SignInAndOpenAsync(HttpClient browser, string path, string userName, string password)
    {
        using var first = await browser.GetAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        var login = first.Headers.Location!;
        var loginPage = await browser.GetStringAsync(login);
        using var signedIn = await browser.PostAsync(login, OAuthFlows.Form(
            ("username", userName), ("password", password),
            ("returnUrl", HtmlForm.HiddenFields(loginPage).Single(f => f.Key == "returnUrl").Value),
            ("__RequestVerificationToken", HtmlForm.AntiforgeryToken(loginPage))));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        using var page = await browser.GetAsync(signedIn.Headers.Location);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        return await page.Content.ReadAsStringAsync();
    }
}
