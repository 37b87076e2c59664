using Microsoft.Playwright;

namespace McpAspire.AuthServer.Tests.Infrastructure;

/// <summary>
/// The base of the page tests: a browser context of their own in the assembly's headless Chromium, closed after the
/// test, pages the size of a phone screen with JavaScript off (every page must work without it), and the checks those
/// tests share.
/// </summary>
public abstract class PhoneBrowserTests(HeadlessChromium chromium) : IAsyncDisposable
{
    /// <summary>The redirect URI the tests' clients use; nothing listens there, so <see cref="CaptureCallbackAsync"/> catches it.</summary>
    protected const string Callback = "http://127.0.0.1:53682/callback";

    private readonly List<IBrowserContext> _contexts = [];

    public async ValueTask DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.CloseAsync();
        }

        GC.SuppressFinalize(this);
    }

    protected async Task<IPage> NewPhonePageAsync()
    {
        var browser = await chromium.BrowserAsync();
        var context = await browser.NewContextAsync(new()
        {
            JavaScriptEnabled = false,
            ViewportSize = new() { Width = 375, Height = 667 },
            IsMobile = true,
        });
        _contexts.Add(context);
        return await context.NewPageAsync();
    }

    // The client's loopback listener is not running in the test: the redirect is caught and answered here.
    protected static async Task<TaskCompletionSource<Uri>> CaptureCallbackAsync(IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        var redirected = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.RouteAsync(Callback + "**", async route =>
        {
            redirected.TrySetResult(new Uri(route.Request.Url));
            await route.FulfillAsync(new() { Status = 200, ContentType = "text/plain", Body = "signed in" });
        });
        return redirected;
    }

    /// <summary>Fills in the password form of the sign-in page <paramref name="page"/> shows and submits it.</summary>
    protected static async Task SubmitPasswordFormAsync(IPage page, string userName, string password)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.FillAsync("#username", userName);
        await page.FillAsync("#password", password);
        await page.ClickAsync("#login-submit");
    }

    protected static async Task AssertFitsTheScreenAsync(IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        // Measured by the browser's layout engine (evaluation works with page scripts disabled).
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.True(overflow <= 0, $"The page is {overflow}px wider than a phone screen.");
    }
}
