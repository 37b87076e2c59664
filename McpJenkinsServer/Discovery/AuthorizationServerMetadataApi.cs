using McpAspire.McpJenkinsServer.Extensions;

namespace McpAspire.McpJenkinsServer.Discovery;

/// <summary>
/// The authorization server's RFC 8414 metadata at the issuer's well-known URLs, on this server's origin.
/// <para>
/// Why here: the AppHost makes the authorization server's issuer identifier this server's resource URL
/// (<c>http://localhost:5102/mcp</c>). That is the one issuer every MCP client accepts: RFC 9728 clients follow
/// <c>authorization_servers</c> to it; Amazon Q CLI (rmcp 0.8) never reads that and looks for metadata only at the
/// MCP URL's origin, first at <c>/.well-known/oauth-authorization-server/mcp</c>; Kiro and Codex require the issuer
/// to equal the MCP URL. RFC 8414 §3.3 requires the document's <c>issuer</c> to equal the issuer the well-known URL
/// was built from, so the document is served exactly at the URLs built from that issuer (path-inserted, and the
/// two OpenID forms), never at this origin's root. Its endpoints stay at the authorization server's own public URL.
/// </para>
/// <para>
/// The document is the authorization server's own (OpenIddict writes it), fetched on each request by service
/// discovery, so the two can never disagree; a document naming another issuer is refused, not served.
/// </para>
/// </summary>
public static partial class AuthorizationServerMetadataApi
{
    private const string LoggerName = "McpAspire.McpJenkinsServer.Discovery.AuthorizationServerMetadata";

    /// <summary>
    /// The client that fetches the document, with the budget of every call to the authorization server
    /// (<see cref="AuthServerCallResilience"/>) in place of the ServiceDefaults' standard handler, whose retries and
    /// 30 s total kept a client waiting half a minute for the 502 that says the auth server is down.
    /// </summary>
    public static IHostApplicationBuilder AddAuthorizationServerMetadata(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is experimental, but the supported way to replace the ServiceDefaults pipeline for one client.
        builder.Services.AddHttpClient(nameof(AuthorizationServerMetadataApi))
            .RemoveAllResilienceHandlers()
            .AddResilienceHandler(nameof(AuthorizationServerMetadataApi), AuthServerCallResilience.Configure);
#pragma warning restore EXTEXP0001
        return builder;
    }

    /// <summary>Maps the issuer's well-known URLs, when the issuer identifier is on this server's origin.</summary>
    public static WebApplication MapAuthorizationServerMetadata(this WebApplication app)
    {
        var issuer = app.Services.GetRequiredService<IOptions<AuthServerOptions>>().Value.Issuer;
        var resource = app.Services.GetRequiredService<IOptions<McpResourceOptions>>().Value.ResourceUrl;
        if (!SameOrigin(issuer, resource))
        {
            // The issuer is the authorization server's own URL: it serves its metadata itself.
            return app;
        }

        foreach (var path in WellKnownPaths(issuer))
        {
            app.MapGet(path, GetAsync).AllowAnonymous().ExcludeFromDescription();
        }

        return app;
    }

    /// <summary>
    /// The well-known paths clients build from an issuer: RFC 8414 §3.1 (inserted before the issuer's path), the same
    /// for OpenID discovery (RFC 8414 §5), and OpenID Connect Discovery's appended form.
    /// </summary>
    public static IReadOnlyList<string> WellKnownPaths(Uri issuer)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        var path = issuer.AbsolutePath.TrimEnd('/');
        return path.Length == 0
            ? ["/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"]
            : ["/.well-known/oauth-authorization-server" + path, "/.well-known/openid-configuration" + path, path + "/.well-known/openid-configuration"];
    }

    private static async Task<IResult> GetAsync(
        IHttpClientFactory clients,
        IOptions<AuthServerOptions> options,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var logger = loggers.CreateLogger(LoggerName);
        string json;
        try
        {
            using var http = clients.CreateClient(nameof(AuthorizationServerMetadataApi));
            using var response = await http.GetAsync(settings.MetadataEndpoint, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                LogRefused(logger, settings.MetadataEndpoint, (int)response.StatusCode);
                return Unavailable();
            }

            json = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        // Whatever kept the document from arriving (connection refused after the retry, the 5 s budget, a broken
        // response) is the upstream's failure: a 502, unless this request itself was aborted.
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            LogUnreachable(logger, settings.MetadataEndpoint, exception.GetType().Name);
            return Unavailable();
        }

        var issuer = ReadIssuer(json);
        if (!string.Equals(issuer, settings.Issuer.AbsoluteUri, StringComparison.Ordinal))
        {
            // RFC 8414 §3.3: serving it would make every careful client refuse the server (and rightly so).
            LogIssuerMismatch(logger, issuer ?? "(none)", settings.Issuer.AbsoluteUri);
            return Unavailable();
        }

        return Results.Text(json, "application/json");
    }

    private static string? ReadIssuer(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("issuer", out var issuer)
                && issuer.ValueKind == JsonValueKind.String
                    ? issuer.GetString()
                    : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static IResult Unavailable() => Results.Problem(
        statusCode: StatusCodes.Status502BadGateway,
        title: "The authorization server's metadata is not available",
        detail: "The authorization server did not answer with its metadata; check that the auth-server resource is running.");

    private static bool SameOrigin(Uri left, Uri right) =>
        string.Equals(left.Scheme, right.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(left.IdnHost, right.IdnHost, StringComparison.OrdinalIgnoreCase)
        && left.Port == right.Port;

    [LoggerMessage(LogLevel.Warning, "The authorization server answered {Status} for its metadata at {Endpoint}.")]
    private static partial void LogRefused(ILogger logger, Uri endpoint, int status);

    [LoggerMessage(LogLevel.Warning, "The authorization server's metadata at {Endpoint} could not be fetched ({Error}).")]
    private static partial void LogUnreachable(ILogger logger, Uri endpoint, string error);

    [LoggerMessage(LogLevel.Error, "The authorization server's metadata names the issuer {Issuer}, not {Expected}: check AuthServer:Issuer of both services.")]
    private static partial void LogIssuerMismatch(ILogger logger, string issuer, string expected);
}
