using McpAspire.AuthServer.Tests.Persistence;

namespace McpAspire.AuthServer.Tests.ExternalSignIn;

/// <summary>
/// <c>AuthServer:LocalAccounts:Enabled=false</c>: the sign-in page offers only the company providers and a posted
/// password is refused, even the administrator's. In process (a setting the shared AppHost cannot take), with a
/// GitHub provider that is never reached.
/// </summary>
public sealed class LocalAccountsOffTests(DynamoDbLocalFixture dynamoDb) : IClassFixture<DynamoDbLocalFixture>
{
    private static readonly string ClassPrefix = TablePrefix.New("localoff");

    [Fact]
    public async Task Only_the_providers_are_offered_and_a_posted_password_is_refused()
    {
        await dynamoDb.ProvisionAsync(ClassPrefix);
        await using var server = new InProcessAuthServer(dynamoDb, ClassPrefix, new Dictionary<string, string?>
        {
            ["AuthServer:LocalAccounts:Enabled"] = "false",
            ["AuthServer:ExternalProviders:github:Kind"] = "GitHub",
            ["AuthServer:ExternalProviders:github:DisplayName"] = "GitHub",
            ["AuthServer:ExternalProviders:github:ClientId"] = "github-client-id",
            ["AuthServer:ExternalProviders:github:ClientSecret"] = DistributedApplicationTestFactory.RandomSecret(),
        });
        using var http = server.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true, BaseAddress = InProcessAuthServer.Issuer });

        var page = await http.GetStringAsync("/account/login?returnUrl=%2F");
        Assert.Contains("Sign in with GitHub", page, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"login-form\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("type=\"password\"", page, StringComparison.Ordinal);

        var token = HtmlForm.FormFields(page, "external-github")["__RequestVerificationToken"];
        using var posted = await http.PostAsync("/account/login", OAuthFlows.Form(
            ("username", "admin"), ("password", "whatever-it-is"), ("returnUrl", "/"), ("__RequestVerificationToken", token)));
        Assert.Equal(HttpStatusCode.Forbidden, posted.StatusCode);
        Assert.Contains("Sign-in with a password is turned off here.", await posted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(posted.Headers.Contains("Set-Cookie") && posted.Headers.GetValues("Set-Cookie").Any(cookie => cookie.StartsWith("mcpaspire.session=", StringComparison.Ordinal)));
    }
}
