using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace McpAspire.Tests.Common;

/// <summary>The first request every MCP client sends, for tests that ask whether the MCP server lets a token in.</summary>
public static class McpInitialize
{
    /// <summary>Sends an MCP initialize request with <paramref name="accessToken"/> as <paramref name="clientName"/>; returns the status it got.</summary>
    public static async Task<HttpStatusCode> SendAsync(HttpClient client, Uri mcpUrl, string accessToken, string clientName)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var request = new HttpRequestMessage(HttpMethod.Post, mcpUrl)
        {
            Content = new StringContent(
                """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":""" + JsonSerializer.Serialize(clientName) + ""","version":"1"}}}""",
                Encoding.UTF8,
                "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}
