using Microsoft.AspNetCore.Mvc.Filters;

namespace McpAspire.AuthServer.Pages;

/// <summary>
/// Headers for the sign-in and consent pages: no framing (a framed consent page invites clickjacking),
/// no scripts, plugins or foreign resources, no referrer (the URL carries the authorization request),
/// no caching. <c>form-action</c> is deliberately absent: browsers apply it to the redirect that follows
/// the consent form, which goes to the client's own redirect URI.
/// </summary>
public sealed class PageSecurityHeaders : IAsyncPageFilter
{
    private const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'";

    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var headers = context.HttpContext.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XFrameOptions = "DENY";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-store";
        return next();
    }
}
