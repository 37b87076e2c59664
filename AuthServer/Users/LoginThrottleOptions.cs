using System.ComponentModel.DataAnnotations;

namespace McpAspire.AuthServer.Users;

/// <summary>Limits on failed sign-ins (configuration section <c>LoginThrottling</c>).</summary>
public sealed class LoginThrottleOptions
{
    public const string SectionName = "LoginThrottling";

    /// <summary>Failed attempts on one account from one address that cost nothing; each further one doubles the wait.</summary>
    [Range(0, 100)]
    public int FreeFailuresPerAccountAndAddress { get; set; } = 3;

    /// <summary>The wait after the first failure past the free ones; it doubles with every further failure.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan FirstDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest wait an (account, address) pair is ever given.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Failed attempts from one address (IPv6 per /64), for any accounts, within <see cref="Window"/> before that address is refused.</summary>
    [Range(1, 10000)]
    public int MaxFailuresPerAddress { get; set; } = 20;

    /// <summary>How long failures are remembered after the last one.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);
}
