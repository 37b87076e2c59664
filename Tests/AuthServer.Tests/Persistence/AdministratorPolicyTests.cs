using System.Security.Claims;
using McpAspire.AuthServer.Persistence.Users;
using McpAspire.AuthServer.Users;
using Microsoft.AspNetCore.Authorization;

namespace McpAspire.AuthServer.Tests.Persistence;

/// <summary>The administration pages' policy, decided against the real user store, never the session cookie's claims.</summary>
public sealed class AdministratorPolicyTests(DynamoDbLocalFixture dynamoDb) : PersistenceTestBase(dynamoDb, ClassPrefix), IClassFixture<DynamoDbLocalFixture>
{
    private static readonly string ClassPrefix = TablePrefix.New("admin-policy");

    private IUserStore Users => Get<IUserStore>();

    private async Task<AppUser> UserInAsync(params string[] groups)
    {
        var user = await Users.CreateAsync(Unique("ops"), Unique("password"), CancellationToken.None);
        await Users.SetGroupsAsync(user.UserName, groups, CancellationToken.None);
        return user;
    }

    private async Task<bool> IsAdministratorAsync(AppUser? signedIn, string configuredGroup, string? subject = null)
    {
        var requirement = new AdministratorRequirement();
        var session = signedIn is null
            ? new ClaimsPrincipal(new ClaimsIdentity())
            : new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", subject ?? signedIn.Id), new Claim("name", signedIn.UserName)], "cookie", "name", "role"));
        var context = new AuthorizationHandlerContext([requirement], session, resource: null);

        await new AdministratorHandler(Users, Options.Create(new AdminOptions { Group = configuredGroup })).HandleAsync(context);
        return context.HasSucceeded;
    }

    [Theory]
    [InlineData("admins", "", true)]
    [InlineData("admins", "  ", true)]
    [InlineData("admins", "admins", true)]
    [InlineData("platform-admins", " platform-admins ", true)]
    [InlineData("admins", "platform-admins", false)]
    [InlineData("Admins", "admins", false)]
    public async Task Only_members_of_the_configured_group_pass(string group, string configured, bool expected)
        => Assert.Equal(expected, await IsAdministratorAsync(await UserInAsync(group, "developers"), configured));

    [Fact]
    public async Task A_user_in_no_group_is_refused()
        => Assert.False(await IsAdministratorAsync(await UserInAsync(), "admins"));

    [Fact]
    public async Task A_disabled_member_is_refused_although_the_session_cookie_is_still_valid()
    {
        var user = await UserInAsync("admins");
        await Users.SetDisabledAsync(user.UserName, disabled: true, CancellationToken.None);
        Assert.False(await IsAdministratorAsync(user, "admins"));
    }

    [Fact]
    public async Task A_session_of_a_deleted_user_whose_name_was_given_to_someone_else_is_refused()
        => Assert.False(await IsAdministratorAsync(await UserInAsync("admins"), "admins", subject: "an-older-subject"));

    [Fact]
    public async Task An_anonymous_caller_is_refused()
        => Assert.False(await IsAdministratorAsync(signedIn: null, "admins"));
}
