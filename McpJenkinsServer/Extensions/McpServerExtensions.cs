using McpAspire.McpJenkinsServer.Authorization;
using McpAspire.McpJenkinsServer.Model;
using McpAspire.McpJenkinsServer.Services;
using McpAspire.McpJenkinsServer.Tools;
using Microsoft.Extensions.Options;
using ModelContextProtocol.AspNetCore;

namespace McpAspire.McpJenkinsServer.Extensions;

public static class McpServerExtensions
{
    /// <summary>The MCP server: Streamable HTTP, stateless (any replica answers any request; nothing to bind a session to), Jenkins tools, audited.</summary>
    public static IHostApplicationBuilder AddJenkinsMcpServer(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ToolCallAudit>();
        builder.Services.AddMcpServer(options =>
            {
                options.ServerInfo = new() { Name = "jenkins", Title = "Jenkins", Version = typeof(McpServerExtensions).Assembly.GetName().Version?.ToString() ?? "1.0" };
                options.ServerInstructions =
                    "Tools for one Jenkins controller. Jobs are named by full name with '/' between folders (see list_jobs). " +
                    "Read tools need the mcp:read scope; trigger_build, rebuild, stop_build and cancel_queue_item need mcp:write.";
            })
            .WithHttpTransport(transport => transport.SessionMode = HttpServerSessionMode.Stateless)
            .WithJenkinsTools()
            .WithRequestFilters(filters => filters.AddCallToolFilter(next => (context, cancellationToken) =>
                context.Services!.GetRequiredService<ToolCallAudit>().InvokeAsync(next, context, cancellationToken)));
        return builder;
    }

    /// <summary>Origin check, authentication (which also serves the RFC 9728 metadata), the scope policy, then MCP.</summary>
    public static WebApplication MapJenkinsMcp(this WebApplication app)
    {
        var resource = app.Services.GetRequiredService<IOptions<McpResourceOptions>>().Value;
        app.UseMiddleware<OriginValidationMiddleware>();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapMcp(resource.Path).RequireAuthorization(AuthenticationExtensions.McpPolicy);
        return app;
    }
}
