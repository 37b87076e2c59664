using System.ComponentModel.DataAnnotations;

namespace McpAspire.JenkinsMock.Model;

/// <summary>The <c>Jenkins</c> configuration section: the one user, its credentials and the simulation's timing.</summary>
public sealed class JenkinsOptions
{
    public const string SectionName = "Jenkins";

    /// <summary>The Jenkins user name (HTTP Basic user).</summary>
    [Required]
    public string User { get; set; } = "";

    /// <summary>The user's API token: requests authenticated with it are exempt from CSRF crumbs.</summary>
    [Required]
    public string ApiToken { get; set; } = "";

    /// <summary>
    /// Optional password for session (browser-like) logins, which need crumbs on POST. Unset: only the API
    /// token authenticates.
    /// </summary>
    public string? Password { get; set; }

    /// <summary>The version announced in <c>X-Jenkins</c>.</summary>
    public string Version { get; set; } = "2.541.3";

    /// <summary>CSRF protection (crumbs). Off: <c>/crumbIssuer</c> answers 404 and <c>useCrumbs</c> is false.</summary>
    public bool CsrfProtection { get; set; } = true;

    /// <summary>Fill the instance with realistic folders, jobs and build histories at start and on reset.</summary>
    public bool Seed { get; set; } = true;

    /// <summary>
    /// More users besides <see cref="User"/> (who may do everything), each with its API token and permissions, e.g.
    /// a read-only user. Bound from <c>Jenkins:Users:N:*</c>.
    /// </summary>
    public List<JenkinsUserOptions> Users { get; set; } = [];

    /// <summary>The large-instance mode: thousands of jobs, a huge log, a huge test report.</summary>
    public LargeInstanceOptions LargeInstance { get; set; } = new();

    public JenkinsTimingOptions Timing { get; set; } = new();
}

/// <summary>A further user of the mock and what it may do.</summary>
public sealed class JenkinsUserOptions
{
    [Required]
    public string Name { get; set; } = "";

    [Required]
    public string ApiToken { get; set; } = "";

    /// <summary>Permission names as Jenkins' matrix shows them: Overall/Read, Job/Discover, Job/Read, Job/Build, Job/Cancel, Run/Update, Run/Replay.</summary>
    public List<string> Permissions { get; set; } = [];

    /// <summary>Full names of folders or jobs the Job/* and Run/* permissions are granted on (with everything inside); empty: everywhere.</summary>
    public List<string> Items { get; set; } = [];
}

/// <summary><c>Jenkins:LargeInstance</c>: sizes of a real, big controller, for tests and benchmarks of the MCP server.</summary>
public sealed class LargeInstanceOptions
{
    public bool Enabled { get; set; }

    /// <summary>Jobs spread over nested folders under <c>large/</c>.</summary>
    public int Jobs { get; set; } = 5000;

    /// <summary>Size of the console log of <c>large/huge-log</c> #1, generated on demand.</summary>
    public long LogBytes { get; set; } = 200L * 1024 * 1024;

    /// <summary>Test cases in the report of <c>large/huge-log</c> #1.</summary>
    public int TestCases { get; set; } = 20_000;
}

/// <summary><c>Jenkins:Timing</c>: defaults make the dashboard demo look alive; tests shorten them.</summary>
public sealed class JenkinsTimingOptions
{
    /// <summary>How long a new queue item waits before it may start (Jenkins' default quiet period is 5 s).</summary>
    public TimeSpan QuietPeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Time between two console lines of a running build.</summary>
    public TimeSpan LogLineInterval { get; set; } = TimeSpan.FromMilliseconds(400);

    /// <summary>About how long a triggered build runs (its console gets BuildLength / LogLineInterval lines).</summary>
    public TimeSpan BuildLength { get; set; } = TimeSpan.FromSeconds(24);

    /// <summary>How often the simulated executor looks at the queue and the running builds.</summary>
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long a left queue item stays visible at <c>/queue/item/N/</c> (Jenkins: about 5 minutes).</summary>
    public TimeSpan LeftItemLifetime { get; set; } = TimeSpan.FromMinutes(5);
}
