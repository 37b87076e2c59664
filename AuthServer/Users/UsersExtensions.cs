using Microsoft.AspNetCore.Authorization;

namespace McpAspire.AuthServer.Users;

/// <summary>Local accounts' administration and the policy that guards every administration page.</summary>
public static class UsersExtensions
{
    public static IHostApplicationBuilder AddUserAdministration(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<UserAdministration>();
        builder.Services.AddSingleton<IAuthorizationHandler, AdministratorHandler>();
        builder.Services.AddAuthorizationBuilder().AddPolicy(AdministratorRequirement.PolicyName, policy => policy
            .RequireAuthenticatedUser()
            .AddRequirements(new AdministratorRequirement()));
        return builder;
    }
}
