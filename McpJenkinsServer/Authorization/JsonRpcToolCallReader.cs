namespace McpAspire.McpJenkinsServer.Authorization;

/// <summary>
/// Peeks at a Streamable HTTP POST body for JSON-RPC <c>tools/call</c> requests and returns the tool names, leaving
/// the body readable for the SDK. Written by hand because no library exposes the MCP method before the SDK runs;
/// the SDK-level scope filter checks the same rule again, so anything this reader cannot parse is still enforced.
/// </summary>
public static class JsonRpcToolCallReader
{
    /// <summary>Bodies larger than this are left to the SDK (which enforces scopes again per tool call).</summary>
    public const int MaxInspectedBytes = 1024 * 1024;

    public static async Task<IReadOnlyList<string>> ReadToolNamesAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!HttpMethods.IsPost(request.Method) || request.ContentLength > MaxInspectedBytes)
        {
            return [];
        }

        request.EnableBuffering(bufferThreshold: 64 * 1024, bufferLimit: MaxInspectedBytes);
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
            return document.RootElement.ValueKind switch
            {
                JsonValueKind.Object => ToolName(document.RootElement) is { } name ? [name] : [],
                JsonValueKind.Array => [.. document.RootElement.EnumerateArray().Select(ToolName).OfType<string>()],
                _ => [],
            };
        }
        catch (Exception exception) when (exception is JsonException or IOException)
        {
            // Malformed or oversized: the SDK answers it with a JSON-RPC parse error.
            return [];
        }
        finally
        {
            request.Body.Position = 0;
        }
    }

    private static string? ToolName(JsonElement message)
        => message.ValueKind == JsonValueKind.Object
           && message.TryGetProperty("method", out var method) && method.ValueEquals("tools/call")
           && message.TryGetProperty("params", out var parameters) && parameters.ValueKind == JsonValueKind.Object
           && parameters.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String
            ? name.GetString()
            : null;
}
