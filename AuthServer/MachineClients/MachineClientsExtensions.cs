using McpAspire.AuthServer.Users;
using Microsoft.AspNetCore.Authorization;

namespace McpAspire.AuthServer.MachineClients;

/// <summary>Administrator-provisioned machine clients and the policy that guards their page.</summary>
public static class MachineClientsExtensions
{
    public static IHostApplicationBuilder AddMachineClients(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<MachineClientService>();
        builder.Services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.SectionName);
        builder.Services.AddSingleton<IAuthorizationHandler, AdministratorHandler>();
        builder.Services.AddAuthorizationBuilder().AddPolicy(AdministratorRequirement.PolicyName, policy => policy
            .RequireAuthenticatedUser()
            .AddRequirements(new AdministratorRequirement()));
        return builder;
    }
}
