using System.Security.Claims;
using McpAspire.AuthServer.Users;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace McpAspire.AuthServer.Tests.Unit;

public class AdministratorPolicyTests
{
    private static async Task<bool> IsAdministratorAsync(string? signedIn, string configuredUserName)
    {
        var requirement = new AdministratorRequirement();
        var user = signedIn is null
            ? new ClaimsPrincipal(new ClaimsIdentity())
            : new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, signedIn)], "cookie"));
        var context = new AuthorizationHandlerContext([requirement], user, resource: null);

        await new AdministratorHandler(Options.Create(new AdminOptions { UserName = configuredUserName })).HandleAsync(context);
        return context.HasSucceeded;
    }

    [Theory]
    [InlineData("ops-admin", "ops-admin", true)]
    [InlineData("OPS-Admin", "ops-admin", true)]
    [InlineData("admin", "ops-admin", false)]
    [InlineData("admin", "", true)]
    [InlineData("admin", "  ", true)]
    [InlineData("ops-admin", " ops-admin ", true)]
    [InlineData(null, "admin", false)]
    public async Task Only_the_configured_administrator_passes(string? signedIn, string configured, bool expected)
        => Assert.Equal(expected, await IsAdministratorAsync(signedIn, configured));
}
