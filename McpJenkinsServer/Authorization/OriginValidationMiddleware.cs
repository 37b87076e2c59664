using McpAspire.McpJenkinsServer.Model;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace McpAspire.McpJenkinsServer.Authorization;

/// <summary>
/// DNS-rebinding protection the MCP transport spec requires: a request to the MCP endpoint that carries an
/// <c>Origin</c> other than this server's own or a configured one is refused with 403. Native clients send no
/// <c>Origin</c> and pass. Hand-written: ASP.NET Core's CORS only withholds response headers, it never refuses.
/// </summary>
public sealed class OriginValidationMiddleware(RequestDelegate next, IOptions<McpResourceOptions> options, ILogger<OriginValidationMiddleware> logger)
{
    private readonly HashSet<string> allowed = new(
        [options.Value.ResourceUrl.GetLeftPart(UriPartial.Authority), .. options.Value.AllowedOrigins.Select(o => o.TrimEnd('/'))],
        StringComparer.OrdinalIgnoreCase);

    private readonly PathString mcpPath = new(options.Value.Path);

    public Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path.StartsWithSegments(mcpPath)
            && context.Request.Headers.TryGetValue(HeaderNames.Origin, out var origins)
            && !origins.All(origin => origin is not null && allowed.Contains(origin)))
        {
            logger.LogWarning("Refused an MCP request from a foreign origin");
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return context.Response.WriteAsJsonAsync(new { error = "forbidden_origin", error_description = "This origin may not call the MCP endpoint." });
        }

        return next(context);
    }
}
