using McpAspire.AuthServer.Persistence.Users;
using McpAspire.AuthServer.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting.Internal;

namespace McpAspire.AuthServer.Tests.Unit;

/// <summary>The password hashes' cost is configuration, never below ASP.NET Core's default outside Development.</summary>
public class PasswordHashingTests
{
    [Theory]
    [InlineData("Production", null, 100_000)]
    [InlineData("Production", "210000", 210_000)]
    [InlineData("Development", "1000", 1_000)]
    public void The_iteration_count_is_read_from_the_PasswordHashing_section(string environment, string? configured, int expected)
    {
        using var services = Services(environment, ("PasswordHashing:IterationCount", configured));

        Assert.Equal(expected, services.GetRequiredService<IOptions<PasswordHasherOptions>>().Value.IterationCount);
        Assert.IsType<PasswordHasher<AppUser>>(services.GetRequiredService<IPasswordHasher<AppUser>>());
    }

    [Theory]
    [InlineData("Production", "PasswordHashing:IterationCount", "99999")]
    [InlineData("Staging", "PasswordHashing:IterationCount", "1000")]
    [InlineData("Development", "PasswordHashing:IterationCount", "0")]
    [InlineData("Development", "PasswordHashing:CompatibilityMode", "IdentityV2")]
    public void A_weaker_setting_is_refused_naming_it(string environment, string key, string value)
    {
        using var services = Services(environment, (key, value));

        var refused = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<PasswordHasherOptions>>().Value);
        Assert.Contains(key, refused.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Services(string environment, (string Key, string? Value) setting)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(setting.Value is null ? [] : [new KeyValuePair<string, string?>(setting.Key, setting.Value)])
            .Build();
        return new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddPasswordHashing(new HostingEnvironment { EnvironmentName = environment })
            .BuildServiceProvider();
    }
}
