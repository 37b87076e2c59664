using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace McpAspire.AuthServer.Users;

/// <summary>The administrator account (configuration section <c>Admin</c>).</summary>
public sealed class AdminOptions
{
    public const string SectionName = "Admin";

    public const string DefaultUserName = "admin";

    /// <summary>The user name of the administrator; blank means <see cref="DefaultUserName"/>.</summary>
    public string UserName { get; set; } = DefaultUserName;

    /// <summary><see cref="UserName"/> as it is compared: trimmed, the default when blank.</summary>
    public string EffectiveUserName => string.IsNullOrWhiteSpace(UserName) ? DefaultUserName : UserName.Trim();
}

/// <summary>The administration pages' requirement: the signed-in user is the configured administrator.</summary>
public sealed class AdministratorRequirement : IAuthorizationRequirement
{
    public const string PolicyName = "administrator";
}

/// <summary>Checks <see cref="AdministratorRequirement"/> against the validated <see cref="AdminOptions"/>.</summary>
public sealed class AdministratorHandler(IOptions<AdminOptions> admin) : AuthorizationHandler<AdministratorRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, AdministratorRequirement requirement)
    {
        ArgumentNullException.ThrowIfNull(context);
        // User names compare case-insensitively, as the user store compares them.
        if (string.Equals(context.User.Identity?.Name, admin.Value.EffectiveUserName, StringComparison.OrdinalIgnoreCase))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
