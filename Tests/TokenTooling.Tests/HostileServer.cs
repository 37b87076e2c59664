using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace McpAspire.TokenTooling.Tests;

/// <summary>
/// An MCP server and its authorization server in one, on a random loopback port: everything get_fresh_token.sh
/// talks to during a sign-in, each answer replaceable by a test with the poison it serves. Left at its defaults it
/// is well behaved (a run against it gets a token), so a refusal in a test is the poison's doing. Every request
/// is recorded as "METHOD /path" (never a query or a body); a body carrying <see cref="Secret"/> is noted.
/// </summary>
public sealed class HostileServer : IAsyncDisposable
{
    public const string AccessToken = "hostile-access-token";

    private readonly ConcurrentQueue<string> _requests = new();
    private WebApplication? _app;
    private volatile bool _receivedSecret;
    private string _redirectUri = "";
    private string _state = "";

    private HostileServer()
    {
    }

    /// <summary>http://127.0.0.1:PORT/</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>http://127.0.0.1:PORT, the server's origin as a browser writes it.</summary>
    public string Origin => BaseUrl.GetLeftPart(UriPartial.Authority);

    /// <summary>Where it answers MCP requests (with 401): "/mcp", or "/" for a path-less resource.</summary>
    public string McpPath { get; set; } = "/mcp";

    public Uri McpUrl => new(BaseUrl, McpPath);

    /// <summary>Whether its 401 names the metadata URL (resource_metadata); without it clients try the well-known URLs.</summary>
    public bool ChallengeNamesMetadata { get; set; } = true;

    /// <summary>Where it serves its protected resource metadata; null: the path-inserted URL of <see cref="McpPath"/> (RFC 9728 section 3.1).</summary>
    public string? ResourceMetadataPath { get; set; }

    /// <summary>Its RFC 9728 metadata. Defaults: the resource is <see cref="McpUrl"/>, protected by this server.</summary>
    public Dictionary<string, object?> ResourceMetadata { get; } = [];

    /// <summary>Its RFC 8414 metadata. Defaults: issuer <see cref="BaseUrl"/>, its own endpoints, PKCE S256.</summary>
    public Dictionary<string, object?> AuthorizationServerMetadata { get; } = [];

    /// <summary>When set, GET /authorize redirects there instead of serving the sign-in page.</summary>
    public string? AuthorizeRedirect { get; set; }

    /// <summary>The action attribute of its sign-in form (GET /authorize). Its own POST /login completes the sign-in.</summary>
    public string LoginFormAction { get; set; } = "/login";

    /// <summary>A value that must never reach this server, e.g. the password of a sign-in meant for another one.</summary>
    public string? Secret { get; set; }

    public bool ReceivedSecret => _receivedSecret;

    /// <summary>"METHOD /path" of every request, in order.</summary>
    public IReadOnlyList<string> Requests => [.. _requests];

    public static async Task<HostileServer> StartAsync()
    {
        var server = new HostileServer();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.Run(server.AnswerAsync);
        await app.StartAsync();
        server._app = app;
        server.BaseUrl = new Uri(app.Urls.Single() + "/");
        server.ResourceMetadata["resource"] = null; // filled when served, so McpPath may change first
        server.ResourceMetadata["authorization_servers"] = new[] { server.BaseUrl.AbsoluteUri };
        server.ResourceMetadata["scopes_supported"] = new[] { "mcp:read", "mcp:write" };
        server.AuthorizationServerMetadata["issuer"] = server.BaseUrl.AbsoluteUri;
        server.AuthorizationServerMetadata["authorization_endpoint"] = server.Origin + "/authorize";
        server.AuthorizationServerMetadata["token_endpoint"] = server.Origin + "/token";
        server.AuthorizationServerMetadata["registration_endpoint"] = server.Origin + "/register";
        server.AuthorizationServerMetadata["code_challenge_methods_supported"] = new[] { "S256" };
        server.AuthorizationServerMetadata["response_types_supported"] = new[] { "code" };
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private string MetadataPath => ResourceMetadataPath
        ?? "/.well-known/oauth-protected-resource" + (McpPath == "/" ? "" : McpPath);

    private async Task AnswerAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        var path = request.Path.Value ?? "/";
        _requests.Enqueue(request.Method + " " + path);
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        if (Secret is not null && (body.Contains(Secret, StringComparison.Ordinal) || request.QueryString.Value?.Contains(Secret, StringComparison.Ordinal) == true))
        {
            _receivedSecret = true;
        }

        switch (request.Method, path)
        {
            case ("POST", _) when path == McpPath:
                response.StatusCode = StatusCodes.Status401Unauthorized;
                response.Headers.WWWAuthenticate = ChallengeNamesMetadata
                    ? $"Bearer resource_metadata=\"{Origin}{MetadataPath}\""
                    : "Bearer";
                return;
            case ("GET", _) when path == MetadataPath:
                var metadata = new Dictionary<string, object?>(ResourceMetadata);
                metadata["resource"] ??= McpUrl.AbsoluteUri;
                await response.WriteAsJsonAsync(metadata);
                return;
            case ("GET", "/.well-known/oauth-authorization-server"):
                await response.WriteAsJsonAsync(AuthorizationServerMetadata);
                return;
            case ("POST", "/register"):
                response.StatusCode = StatusCodes.Status201Created;
                await response.WriteAsJsonAsync(new Dictionary<string, object?>
                {
                    ["client_id"] = "hostile-client",
                    ["token_endpoint_auth_method"] = "none",
                    ["redirect_uris"] = JsonSerializer.Deserialize<JsonElement>(body).GetProperty("redirect_uris"),
                });
                return;
            case ("GET", "/authorize") when AuthorizeRedirect is not null:
                response.Redirect(AuthorizeRedirect);
                return;
            case ("GET", "/authorize"):
                _redirectUri = request.Query["redirect_uri"].ToString();
                _state = request.Query["state"].ToString();
                response.ContentType = "text/html; charset=utf-8";
                await response.WriteAsync(
                    $"""
                    <!DOCTYPE html>
                    <html><body>
                    <form id="login-form" method="post" action="{WebUtility.HtmlEncode(LoginFormAction)}">
                      <input type="hidden" name="returnUrl" value="/authorize" />
                      <input type="text" name="username" />
                      <input type="password" name="password" />
                      <button type="submit">Sign in</button>
                    </form>
                    </body></html>
                    """);
                return;
            case ("POST", "/login") when _redirectUri.Length > 0:
                response.Redirect($"{_redirectUri}?code=hostile-code&state={Uri.EscapeDataString(_state)}");
                return;
            case ("POST", "/token"):
                await response.WriteAsJsonAsync(new Dictionary<string, object?>
                {
                    ["access_token"] = AccessToken,
                    ["token_type"] = "Bearer",
                    ["expires_in"] = 3600,
                    ["scope"] = "mcp:read offline_access",
                    ["refresh_token"] = "hostile-refresh-token",
                });
                return;
            default:
                response.StatusCode = StatusCodes.Status404NotFound;
                return;
        }
    }
}
