using McpAspire.AuthServer.Persistence.Infrastructure;
using Microsoft.Net.Http.Headers;

namespace McpAspire.AuthServer.Persistence.Faults;

/// <summary>
/// DynamoDB unreachable, throttling or missing a table anywhere in a request: a 503 with an OAuth-style
/// <c>temporarily_unavailable</c> error and Retry-After, and one log line (method and path only: query
/// strings can carry codes), instead of a 500 with a stack trace. Written by hand: no library maps AWS
/// faults to OAuth errors. Writes never leave half a record, because each logical write is a single
/// conditional item write or one DynamoDB transaction.
/// </summary>
internal sealed class DynamoDbFaultHandlingMiddleware(RequestDelegate next, ILogger<DynamoDbFaultHandlingMiddleware> logger)
{
    public const int RetryAfterSeconds = 5;

    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (Exception exception) when (DynamoDbFaults.Classify(exception, context.RequestAborted.IsCancellationRequested) is { } reason)
        {
            PersistenceLog.DynamoDbUnavailable(logger, reason, context.Request.Method, context.Request.Path.Value ?? "/", exception);
            if (context.Response.HasStarted)
            {
                throw;
            }

            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers[HeaderNames.RetryAfter] = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            context.Response.Headers[HeaderNames.CacheControl] = "no-store";
            await context.Response.WriteAsJsonAsync(new TemporarilyUnavailable(
                "temporarily_unavailable",
                "The authorization server's storage is temporarily unavailable. Retry later."), context.RequestAborted);
        }
    }

    private sealed record TemporarilyUnavailable(
        [property: System.Text.Json.Serialization.JsonPropertyName("error")] string Error,
        [property: System.Text.Json.Serialization.JsonPropertyName("error_description")] string ErrorDescription);
}

/// <summary><c>app.UseDynamoDbFaultHandling()</c>, early in the pipeline.</summary>
public static class DynamoDbFaultHandlingExtensions
{
    public static IApplicationBuilder UseDynamoDbFaultHandling(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.UseMiddleware<DynamoDbFaultHandlingMiddleware>();
    }
}
