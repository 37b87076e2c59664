using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Playwright;

namespace McpAspire.McpJenkinsServer.Tests.EndToEnd;

/// <summary>
/// A browser-based MCP client: a page served from another loopback origin (its own small Kestrel) calls /mcp with
/// fetch() in headless Chromium, as MCP Inspector in direct mode or a web app does. The browser enforces CORS: the
/// preflight must be answered, and the challenge and MCP headers exposed, or the page sees nothing.
/// </summary>
[Collection(DistributedApplicationFixture.Collection)]
public sealed class BrowserClientTests(McpAspireAppFixture app) : IAsyncLifetime
{
    private const string Page = "<!doctype html><html><head><meta charset=\"utf-8\"><title>MCP web client</title></head><body></body></html>";

    // Runs in the page. The token is handed in as an argument, never put in a URL.
    private const string CallMcp = """
        async ({ mcpUrl, token }) => {
          const headers = { 'Content-Type': 'application/json', 'Accept': 'application/json, text/event-stream', 'MCP-Protocol-Version': '2025-11-25' };
          const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} });
          const anonymous = await fetch(mcpUrl, { method: 'POST', headers, body });
          const metadata = await fetch(new URL('/.well-known/oauth-protected-resource/mcp', mcpUrl), { headers: { 'MCP-Protocol-Version': '2025-11-25' } });
          const authorized = await fetch(mcpUrl, { method: 'POST', headers: { ...headers, 'Authorization': `Bearer ${token}` }, body });
          return {
            origin: location.origin,
            anonymousStatus: anonymous.status,
            challenge: anonymous.headers.get('WWW-Authenticate'),
            metadataResource: (await metadata.json()).resource,
            status: authorized.status,
            body: await authorized.text(),
          };
        }
        """;

    private WebApplication? pageServer;
    private IPlaywright? playwright;
    private IBrowser? browser;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        pageServer = builder.Build();
        pageServer.MapGet("/", () => Results.Content(Page, "text/html"));
        await pageServer.StartAsync();

        if (File.Exists(ChromiumFactAttribute.ExecutablePath))
        {
            playwright = await Playwright.CreateAsync();
            browser = await playwright.Chromium.LaunchAsync(new()
            {
                ExecutablePath = ChromiumFactAttribute.ExecutablePath,
                Headless = true,
                Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
            });
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (browser is not null)
        {
            await browser.DisposeAsync();
        }

        playwright?.Dispose();
        if (pageServer is not null)
        {
            await pageServer.DisposeAsync();
        }
    }

    [ChromiumFact]
    public async Task A_page_on_another_loopback_origin_lists_the_tools_with_a_bearer_token()
    {
        await using var mcp = await OAuthMcpClient.ConnectAsync(app);
        var pageUrl = pageServer!.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var page = await browser!.NewPageAsync();
        await page.GotoAsync(pageUrl);

        var result = await page.EvaluateAsync<JsonElement>(CallMcp, new { mcpUrl = app.McpUrl.AbsoluteUri, token = mcp.Tokens.Tokens!.AccessToken });

        Assert.NotEqual(app.McpUrl.GetLeftPart(UriPartial.Authority), result.GetProperty("origin").GetString());
        Assert.Equal(401, result.GetProperty("anonymousStatus").GetInt32());
        Assert.StartsWith("Bearer resource_metadata=", result.GetProperty("challenge").GetString(), StringComparison.Ordinal);
        Assert.Equal(app.McpUrl.AbsoluteUri, result.GetProperty("metadataResource").GetString());
        Assert.Equal(200, result.GetProperty("status").GetInt32());
        var tools = JsonRpcResult(result.GetProperty("body").GetString()!).GetProperty("tools");
        Assert.Equal(23, tools.GetArrayLength());
    }

    /// <summary>The JSON-RPC result of a Streamable HTTP answer, sent as JSON or as one server-sent event.</summary>
    private static JsonElement JsonRpcResult(string body)
    {
        var json = body.TrimStart().StartsWith('{')
            ? body
            : body.Split('\n').Select(l => l.TrimEnd('\r')).Last(l => l.StartsWith("data:", StringComparison.Ordinal))["data:".Length..];
        return JsonDocument.Parse(json).RootElement.GetProperty("result");
    }
}
