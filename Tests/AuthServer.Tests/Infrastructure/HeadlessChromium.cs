using Microsoft.Playwright;

namespace McpAspire.AuthServer.Tests.Infrastructure;

/// <summary>
/// Debian's Chromium driven by Playwright, headless and without a sandbox (CI runs as root), for the page tests. Null
/// from <see cref="LaunchAsync"/> where Chromium is not installed: those tests are skipped by <see cref="ChromiumFactAttribute"/>.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    private readonly IPlaywright _playwright;

    private HeadlessChromium(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    public static async Task<HeadlessChromium?> LaunchAsync()
    {
        if (!File.Exists(ChromiumFactAttribute.ExecutablePath))
        {
            return null;
        }

        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumFactAttribute.ExecutablePath,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
        });
        return new HeadlessChromium(playwright, browser);
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }
}
