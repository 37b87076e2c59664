using Microsoft.AspNetCore.Identity;

namespace McpAspire.AuthServer.Users;

/// <summary>
/// How local accounts' passwords are hashed: ASP.NET Core's <see cref="PasswordHasher{TUser}"/> (PBKDF2-HMAC-SHA512,
/// format V3) with its own options, bound from the section <c>PasswordHashing</c> so the iteration count can be raised;
/// a stored hash with fewer iterations is hashed again at its user's next sign-in. Outside Development the count is
/// never below the library's default. The test suite lowers it: its tests check what signing in does, not what it
/// costs, and at 100,000 iterations each of its few hundred sign-ins cost 170 ms of CPU.
/// </summary>
public static class PasswordHashing
{
    public const string SectionName = "PasswordHashing";

    /// <summary>ASP.NET Core's default for V3 hashes (100,000).</summary>
    public static readonly int MinimumIterationCount = new PasswordHasherOptions().IterationCount;

    public static IServiceCollection AddPasswordHashing(this IServiceCollection services, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        services.TryAddSingleton<IPasswordHasher<AppUser>, PasswordHasher<AppUser>>();
        services.AddOptions<PasswordHasherOptions>()
            .BindConfiguration(SectionName)
            .Validate(
                options => options.CompatibilityMode == PasswordHasherCompatibilityMode.IdentityV3,
                "PasswordHashing:CompatibilityMode must be IdentityV3 (V2 is PBKDF2 with SHA-1 and 1,000 iterations).")
            .Validate(options => options.IterationCount > 0, "PasswordHashing:IterationCount must be positive.")
            .Validate(
                options => options.IterationCount >= MinimumIterationCount || environment.IsDevelopment(),
                $"PasswordHashing:IterationCount must be at least {MinimumIterationCount} outside Development.")
            .ValidateOnStart();
        return services;
    }
}
