using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace McpAspire.Tests.Common;

/// <summary>RFC 7591 registration of a public native client, as MCP clients register themselves on connect.</summary>
public static class PublicClientRegistration
{
    private static readonly string[] CodeFlowGrantTypes = ["authorization_code", "refresh_token"];
    private static readonly string[] CodeResponseType = ["code"];

    /// <summary>Registers <paramref name="clientName"/> at the auth server <paramref name="auth"/> talks to; returns its client_id.</summary>
    public static async Task<string> RegisterAsync(HttpClient auth, string clientName, string redirectUri)
    {
        ArgumentNullException.ThrowIfNull(auth);
        using var response = await auth.PostAsJsonAsync("/register", new Dictionary<string, object>
        {
            ["client_name"] = clientName,
            ["redirect_uris"] = new[] { redirectUri },
            ["grant_types"] = CodeFlowGrantTypes,
            ["response_types"] = CodeResponseType,
            ["token_endpoint_auth_method"] = "none",
            ["application_type"] = "native",
            ["scope"] = "mcp:read mcp:write offline_access",
        });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"Registration failed: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("client_id").GetString()!;
    }
}
