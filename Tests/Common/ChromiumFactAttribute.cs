namespace McpAspire.Tests.Common;

/// <summary>
/// A test that drives Debian's Chromium. Skipped, saying how to install it, where the browser is missing
/// (Playwright's own browser download does not work on these machines; CI installs the package). Linked into the
/// test projects with browser tests (Tests/Common).
/// </summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public const string ExecutablePath = "/usr/bin/chromium";

    public ChromiumFactAttribute()
    {
        if (!File.Exists(ExecutablePath))
        {
            Skip = $"{ExecutablePath} is missing: run `apt-get update && apt-get install -y chromium` to run the browser tests.";
        }
    }
}
