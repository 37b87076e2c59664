using Microsoft.Net.Http.Headers;

namespace McpAspire.McpJenkinsServer.Authorization;

/// <summary>
/// DNS-rebinding protection the MCP transport spec requires: a request to the MCP endpoint (a CORS preflight
/// included) that carries an <c>Origin</c> the resource does not allow (<see cref="McpResourceOptions.AllowsOrigin"/>)
/// is refused with 403. Native clients send no <c>Origin</c> and pass. Hand-written: ASP.NET Core's CORS only
/// withholds response headers, it never refuses; it runs after this and writes the headers for allowed origins.
/// </summary>
public sealed class OriginValidationMiddleware(RequestDelegate next, IOptions<McpResourceOptions> options, ILogger<OriginValidationMiddleware> logger)
{
    private readonly McpResourceOptions resource = options.Value;

    private readonly PathString mcpPath = new(options.Value.Path);

    public Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path.StartsWithSegments(mcpPath)
            && context.Request.Headers.TryGetValue(HeaderNames.Origin, out var origins)
            && !origins.All(resource.AllowsOrigin))
        {
            logger.LogWarning("Refused an MCP request from a foreign origin");
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return context.Response.WriteAsJsonAsync(new { error = "forbidden_origin", error_description = "This origin may not call the MCP endpoint." });
        }

        return next(context);
    }
}
