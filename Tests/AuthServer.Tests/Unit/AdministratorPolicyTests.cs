using System.Security.Claims;
using McpAspire.AuthServer.Persistence.Users;
using McpAspire.AuthServer.Users;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace McpAspire.AuthServer.Tests.Unit;

public class AdministratorPolicyTests
{
    private const string Subject = "7f1c0de5";

    private static async Task<bool> IsAdministratorAsync(AppUser? stored, string configuredGroup, string signedInSubject = Subject)
    {
        var requirement = new AdministratorRequirement();
        var user = stored is null
            ? new ClaimsPrincipal(new ClaimsIdentity())
            : new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", signedInSubject), new Claim("name", stored.UserName)], "cookie", "name", "role"));
        var context = new AuthorizationHandlerContext([requirement], user, resource: null);

        var handler = new AdministratorHandler(new OneUserStore(stored), Options.Create(new AdminOptions { Group = configuredGroup }));
        await handler.HandleAsync(context);
        return context.HasSucceeded;
    }

    private static AppUser User(params string[] groups) => new(Subject, "ops-admin", DateTimeOffset.UnixEpoch) { Groups = groups };

    [Theory]
    [InlineData("admins", "", true)]
    [InlineData("admins", "  ", true)]
    [InlineData("admins", "admins", true)]
    [InlineData("platform-admins", " platform-admins ", true)]
    [InlineData("admins", "platform-admins", false)]
    [InlineData("Admins", "admins", false)]
    public async Task Only_members_of_the_configured_group_pass(string group, string configured, bool expected)
        => Assert.Equal(expected, await IsAdministratorAsync(User(group, "developers"), configured));

    [Fact]
    public async Task A_user_in_no_group_is_refused()
        => Assert.False(await IsAdministratorAsync(User(), "admins"));

    [Fact]
    public async Task A_disabled_member_is_refused_although_the_session_cookie_is_still_valid()
        => Assert.False(await IsAdministratorAsync(User("admins") with { IsDisabled = true }, "admins"));

    [Fact]
    public async Task A_session_of_a_deleted_user_whose_name_was_given_to_someone_else_is_refused()
        => Assert.False(await IsAdministratorAsync(User("admins"), "admins", signedInSubject: "an-older-subject"));

    [Fact]
    public async Task An_anonymous_caller_is_refused()
        => Assert.False(await IsAdministratorAsync(stored: null, "admins"));

    /// <summary>The store as the handler sees it: one user, found by name case-insensitively.</summary>
    private sealed class OneUserStore(AppUser? user) : IUserStore
    {
        public Task<AppUser?> FindByNameAsync(string userName, CancellationToken cancellationToken)
            => Task.FromResult(string.Equals(user?.UserName, userName, StringComparison.OrdinalIgnoreCase) ? user : null);

        public Task<AppUser?> ValidateCredentialsAsync(string userName, string password, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<AppUser> CreateAsync(string userName, string password, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task EnsureUserAsync(string userName, string password, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<bool> AddToGroupAsync(string userName, string group, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
