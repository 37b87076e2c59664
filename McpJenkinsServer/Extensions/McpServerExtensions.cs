using McpAspire.McpJenkinsServer.Tools;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Net.Http.Headers;
using ModelContextProtocol.AspNetCore;

namespace McpAspire.McpJenkinsServer.Extensions;

public static class McpServerExtensions
{
    /// <summary>The CORS policy of <c>/mcp</c> and the RFC 9728 metadata, for browser-based MCP clients.</summary>
    public const string CorsPolicy = "mcp-browser-clients";

    /// <summary>The MCP server: Streamable HTTP, stateless (any replica answers any request; nothing to bind a session to), Jenkins tools, audited.</summary>
    public static IHostApplicationBuilder AddJenkinsMcpServer(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ToolCallAudit>();
        builder.Services.AddSingleton<RequireToolScope>();
        // The Jenkins access policy: read from DynamoDB at every tool call, applied to the caller in the request's scope.
        // The policy store, and the linked Jenkins identities read with it (this server only reads their key ring).
        builder.AddJenkinsIdentities(createKeys: false);
        builder.Services.AddSingleton<EnforceAccessPolicy>();
        builder.Services.AddScoped<JenkinsAccess>();
        builder.Services.AddMcpServer(options =>
            {
                options.ServerInfo = new() { Name = "jenkins", Title = "Jenkins", Version = typeof(McpServerExtensions).Assembly.GetName().Version?.ToString() ?? "1.0" };
            })
            .WithHttpTransport(transport => transport.SessionMode = HttpServerSessionMode.Stateless)
            .WithJenkinsTools()
            // The audit first (outermost), then where a tool call is authorized: its scope (Authorization/RequireToolScope.cs),
            // then the Jenkins access policy (Authorization/EnforceAccessPolicy.cs), which only narrows what the scope allows.
            .WithRequestFilters(filters => filters
                .AddCallToolFilter(next => (context, cancellationToken) =>
                    context.Services!.GetRequiredService<ToolCallAudit>().InvokeAsync(next, context, cancellationToken))
                .AddCallToolFilter(next => (context, cancellationToken) =>
                    context.Services!.GetRequiredService<RequireToolScope>().InvokeAsync(next, context, cancellationToken))
                .AddCallToolFilter(next => (context, cancellationToken) =>
                    context.Services!.GetRequiredService<EnforceAccessPolicy>().InvokeAsync(next, context, cancellationToken)));
        // After the SDK has collected the tools: the instructions name the write tools from their own annotations
        // (ToolScopes), so a tool added later is never missing from them.
        builder.Services.PostConfigure<McpServerOptions>(options => options.ServerInstructions =
            "Tools for one Jenkins controller. Jobs are named by full name with '/' between folders (see list_jobs). " +
            "Read tools need the mcp:read scope; " +
            string.Join(", ", (options.ToolCollection ?? []).Where(tool => ToolScopes.ScopeFor(tool) == McpScopes.Write).Select(tool => tool.ProtocolTool.Name).Order(StringComparer.Ordinal)) +
            " need mcp:write.");

        // Browser-based clients (MCP Inspector in direct mode, web apps) call /mcp from another origin: the preflight
        // must be answered and the headers they read exposed. The origins are the ones the Origin check lets through;
        // no credentials mode, the token travels in the Authorization header, never in a cookie.
        builder.Services.AddCors();
        builder.Services.AddOptions<CorsOptions>().Configure<IOptions<McpResourceOptions>>((cors, resource) =>
            cors.AddPolicy(CorsPolicy, policy => policy
                .SetIsOriginAllowed(resource.Value.AllowsOrigin)
                .WithMethods(HttpMethods.Get, HttpMethods.Post, HttpMethods.Delete)
                .WithHeaders(HeaderNames.Authorization, HeaderNames.ContentType, McpHeaders.ProtocolVersion, McpHeaders.SessionId, McpHeaders.LastEventId)
                .WithExposedHeaders(HeaderNames.WWWAuthenticate, McpHeaders.SessionId, McpHeaders.ProtocolVersion)
                .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));
        return builder;
    }

    /// <summary>
    /// Origin check, CORS (preflights answered before authentication, which never sees them), junk-token
    /// screening, authentication (which also serves the RFC 9728 metadata), the scope policy, then MCP.
    /// </summary>
    public static WebApplication MapJenkinsMcp(this WebApplication app)
    {
        var resource = app.Services.GetRequiredService<IOptions<McpResourceOptions>>().Value;
        // The client's address behind a TLS proxy (ForwardedHeaders:KnownProxies; loopback by default), which the
        // junk-token screening counts.
        app.UseForwardedHeaders();
        app.UseMiddleware<OriginValidationMiddleware>();
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments(resource.Path) || context.Request.Path.StartsWithSegments(McpScopes.ResourceMetadataPath),
            branch => branch.UseCors(CorsPolicy));
        app.UseMiddleware<TokenScreeningMiddleware>();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapMcp(resource.Path).RequireAuthorization(AuthenticationExtensions.McpPolicy);
        return app;
    }

    /// <summary>The Streamable HTTP transport's own headers.</summary>
    private static class McpHeaders
    {
        public const string ProtocolVersion = "Mcp-Protocol-Version";
        public const string SessionId = "Mcp-Session-Id";
        public const string LastEventId = "Last-Event-ID";
    }
}
