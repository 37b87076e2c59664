using System.ComponentModel.DataAnnotations;

namespace McpAspire.AuthServer.Model;

/// <summary>Limits on failed sign-ins (configuration section <c>LoginThrottling</c>).</summary>
public sealed class LoginThrottleOptions
{
    public const string SectionName = "LoginThrottling";

    /// <summary>Failed attempts on one account within <see cref="Window"/> before that account is refused.</summary>
    [Range(1, 1000)]
    public int MaxFailuresPerAccount { get; set; } = 5;

    /// <summary>Failed attempts from one address within <see cref="Window"/> before that address is refused.</summary>
    [Range(1, 10000)]
    public int MaxFailuresPerAddress { get; set; } = 20;

    /// <summary>How long failures count, and how long a refusal lasts after the last one.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);
}
