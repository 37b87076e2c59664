using McpAspire.AuthServer.Persistence.Infrastructure;

namespace McpAspire.AuthServer.Persistence.Users;

/// <summary>
/// Creates the admin user from <c>Admin:UserName</c> (default "admin") and the AppHost's secret
/// <c>Admin:Password</c> when it is missing; an existing admin, and its password, are left alone. Either way the
/// admin is made a member of the administrators' group (<c>Admin:Group</c>), which is what the admin pages check:
/// an installation from before groups keeps its administrator.
/// </summary>
internal sealed class AdminUserSeeder(IUserStore users, IOptions<AdminOptions> admin, ILogger<AdminUserSeeder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = admin.Value;
        if (string.IsNullOrEmpty(settings.Password))
        {
            PersistenceLog.AdminPasswordMissing(logger);
            return;
        }

        await users.EnsureUserAsync(settings.EffectiveUserName, settings.Password, cancellationToken);
        await users.AddToGroupAsync(settings.EffectiveUserName, settings.EffectiveGroup, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
