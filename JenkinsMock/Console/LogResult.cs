using System.Buffers;

namespace McpAspire.JenkinsMock.Console;

/// <summary>Writes a log snapshot to a response through a filter, in bounded pieces, so a log of any size streams in constant memory.</summary>
public sealed class LogResult(LogSnapshot snapshot, ILogFilter filter) : IResult
{
    private const int FlushAt = 64 * 1024;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.ContentType = "text/plain;charset=UTF-8";
        if (HttpMethods.IsHead(httpContext.Request.Method))
        {
            return;
        }

        var output = new ArrayBufferWriter<byte>(FlushAt * 2);
        var aborted = httpContext.RequestAborted;
        foreach (var chunk in snapshot.Chunks())
        {
            filter.Write(chunk.Span, output);
            if (output.WrittenCount >= FlushAt)
            {
                await response.Body.WriteAsync(output.WrittenMemory, aborted);
                output.ResetWrittenCount();
            }
        }

        filter.Flush(output);
        await response.Body.WriteAsync(output.WrittenMemory, aborted);
    }
}
