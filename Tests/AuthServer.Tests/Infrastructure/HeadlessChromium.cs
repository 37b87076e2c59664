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

    /// <summary>A page on a phone-sized screen (375 x 667, mobile) with page scripts off: the pages must work without them.</summary>
    public async Task<IPage> NewPhonePageAsync()
    {
        var context = await Browser.NewContextAsync(new()
        {
            JavaScriptEnabled = false,
            ViewportSize = new() { Width = 375, Height = 667 },
            IsMobile = true,
        });
        return await context.NewPageAsync();
    }

    /// <summary>Fails when the page is wider than the screen, as the browser's layout engine measures it (evaluation works with page scripts off).</summary>
    public static async Task AssertFitsTheScreenAsync(IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.True(overflow <= 0, $"The page is {overflow}px wider than a phone screen.");
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }
}

/// <summary>A browser test class's Chromium, launched before its tests and closed after them (null without Chromium: the tests skip).</summary>
public abstract class ChromiumTestBase : IAsyncLifetime
{
    protected HeadlessChromium? Chromium { get; private set; }

    public async Task InitializeAsync() => Chromium = await HeadlessChromium.LaunchAsync();

    public async Task DisposeAsync()
    {
        if (Chromium is not null)
        {
            await Chromium.DisposeAsync();
        }
    }
}
