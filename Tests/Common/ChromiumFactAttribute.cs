using System.Runtime.CompilerServices;

namespace McpAspire.Tests.Common;

/// <summary>
/// A test that drives Debian's Chromium. Skipped, saying how to install it, where the browser is missing
/// (Playwright's own browser download does not work on these machines; CI installs the package). Linked into the
/// test projects with browser tests (Tests/Common).
/// </summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public const string ExecutablePath = "/usr/bin/chromium";

    // xUnit v3 reports where a test is declared from the attribute's constructor (the compiler fills both in).
    public ChromiumFactAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        if (!File.Exists(ExecutablePath))
        {
            Skip = $"{ExecutablePath} is missing: run `apt-get update && apt-get install -y chromium` to run the browser tests.";
        }
    }
}
