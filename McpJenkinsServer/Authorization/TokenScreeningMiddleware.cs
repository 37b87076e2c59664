using Microsoft.AspNetCore.Authentication;
using Microsoft.Net.Http.Headers;

namespace McpAspire.McpJenkinsServer.Authorization;

/// <summary>
/// Runs <see cref="TokenScreening"/> on MCP requests that carry a bearer token, before authentication would
/// introspect it: a screened-out request is answered by the challenge handler (401 or 429) without reaching
/// the auth server; every other request goes on, and its outcome teaches the screening.
/// </summary>
public sealed class TokenScreeningMiddleware(RequestDelegate next, TokenScreening screening, IOptions<McpResourceOptions> resource)
{
    /// <summary>The <see cref="HttpContext.Items"/> key of a request's <see cref="ScreeningVerdict"/>.</summary>
    public const string VerdictItem = "mcp.token_screening";

    /// <summary>The <see cref="HttpContext.Items"/> key of the wait an address-limited request is told.</summary>
    public const string RetryAfterItem = "mcp.token_screening.retry_after";

    private const string BearerPrefix = "Bearer ";

    private readonly PathString _mcpPath = new(resource.Value.Path);

    public async Task InvokeAsync(HttpContext context)
    {
        var authorization = context.Request.Headers[HeaderNames.Authorization].ToString();
        if (!context.Request.Path.StartsWithSegments(_mcpPath)
            || !authorization.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase)
            || authorization.Length == BearerPrefix.Length)
        {
            await next(context);
            return;
        }

        var tokenHash = TokenScreening.Hash(authorization[BearerPrefix.Length..].Trim());
        var address = ClientAddress.Partition(context.Connection.RemoteIpAddress);
        var verdict = screening.Screen(tokenHash, address, out var retryAfter);
        if (verdict != ScreeningVerdict.Introspect)
        {
            context.Items[VerdictItem] = verdict;
            context.Items[RetryAfterItem] = retryAfter;
            await context.ChallengeAsync();
            return;
        }

        await next(context);

        // Authentication (the introspection) has run by now: learn from what the auth server said. A 503 (auth
        // server unreachable) teaches nothing: the token may well be fine.
        if (context.User.Identity?.IsAuthenticated == true)
        {
            screening.RecordActive(tokenHash);
        }
        else if (context.Response.StatusCode == StatusCodes.Status401Unauthorized)
        {
            screening.RecordRefused(tokenHash, address);
        }
    }
}
