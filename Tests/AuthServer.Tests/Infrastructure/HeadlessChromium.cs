using Microsoft.Playwright;

[assembly: AssemblyFixture(typeof(McpAspire.AuthServer.Tests.Infrastructure.HeadlessChromium))]

namespace McpAspire.AuthServer.Tests.Infrastructure;

/// <summary>
/// Debian's Chromium driven by Playwright, headless and without a sandbox (CI runs as root), for the page tests: one
/// browser for the assembly (an xUnit assembly fixture), launched when the first page test asks for it, so a run
/// without page tests starts none. Each test opens its own browser context (<see cref="PhoneBrowserTests"/>), which
/// shares no cookies or storage with another. Where Chromium is not installed, those tests are skipped by
/// <see cref="ChromiumFactAttribute"/> and never get here.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    private readonly Lazy<Task<(IPlaywright Playwright, IBrowser Browser)>> _launched = new(LaunchAsync);

    public async Task<IBrowser> BrowserAsync() => (await _launched.Value).Browser;

    private static async Task<(IPlaywright, IBrowser)> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumFactAttribute.ExecutablePath,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
        });
        return (playwright, browser);
    }

    public async ValueTask DisposeAsync()
    {
        if (_launched.IsValueCreated && _launched.Value.IsCompletedSuccessfully)
        {
            var (playwright, browser) = await _launched.Value;
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }
}
