using McpAspire.AuthServer.Persistence;
using McpAspire.AuthServer.Persistence.Users;
using Microsoft.AspNetCore.Authorization;

namespace McpAspire.AuthServer.MachineClients;

/// <summary>Administrator-provisioned machine clients and the policy that guards their page.</summary>
public static class MachineClientsExtensions
{
    /// <summary>The authorization policy of administration pages: the signed-in user is the configured administrator.</summary>
    public const string AdministratorPolicy = "administrator";

    public static IHostApplicationBuilder AddMachineClients(this IHostApplicationBuilder builder)
    {
        var administrator = builder.Configuration["Admin:UserName"] is { Length: > 0 } name ? name.Trim() : AdminUserSeeder.DefaultUserName;
        builder.Services.AddScoped<MachineClientService>();
        builder.Services.AddAuthorizationBuilder().AddPolicy(AdministratorPolicy, policy => policy
            .RequireAuthenticatedUser()
            // User names compare case-insensitively, as the user store compares them.
            .RequireAssertion(context => string.Equals(context.User.Identity?.Name, administrator, StringComparison.OrdinalIgnoreCase)));
        return builder;
    }
}
