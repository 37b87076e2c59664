using McpAspire.AuthServer.Persistence.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace McpAspire.AuthServer.Persistence.Users;

/// <summary>
/// Creates the admin user from <c>Admin:UserName</c> (default "admin") and the AppHost's secret
/// <c>Admin:Password</c> when it is missing; an existing admin, and its password, are left alone.
/// </summary>
internal sealed class AdminUserSeeder(IUserStore users, IConfiguration configuration, ILogger<AdminUserSeeder> logger) : IHostedService
{
    public const string DefaultUserName = "admin";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var password = configuration["Admin:Password"];
        if (string.IsNullOrEmpty(password))
        {
            PersistenceLog.AdminPasswordMissing(logger);
            return;
        }

        var userName = configuration["Admin:UserName"];
        await users.EnsureUserAsync(string.IsNullOrWhiteSpace(userName) ? DefaultUserName : userName, password, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
