using Microsoft.AspNetCore.Authorization;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace McpAspire.AuthServer.Users;

/// <summary>The administration pages' requirement: the signed-in user is a member of the administrators' group.</summary>
public sealed class AdministratorRequirement : IAuthorizationRequirement
{
    public const string PolicyName = "administrator";
}

/// <summary>
/// Checks <see cref="AdministratorRequirement"/> against the user store on every request, not against claims
/// copied into the session cookie at sign-in: a user removed from the group or disabled loses the pages at once.
/// </summary>
public sealed class AdministratorHandler(IUserStore users, IOptions<AdminOptions> admin) : AuthorizationHandler<AdministratorRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, AdministratorRequirement requirement)
    {
        ArgumentNullException.ThrowIfNull(context);
        var user = await users.FindActiveAsync(
            context.User.GetClaim(Claims.Subject), context.User.Identity?.Name,
            (context.Resource as HttpContext)?.RequestAborted ?? CancellationToken.None);
        if (user?.IsMemberOf(admin.Value.EffectiveGroup) == true)
        {
            context.Succeed(requirement);
        }
    }
}
