using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace McpAspire.McpJenkinsServer.Tests.EndToEnd;

/// <summary>
/// A second McpJenkinsServer in process, introspecting at the AppHost's real auth server with the real
/// introspection credentials, but configured as the resource <paramref name="resourceUrl"/>. Tokens the auth
/// server issued for the AppHost's MCP server are then tokens for another audience.
/// </summary>
public sealed class AudienceCheckingServerFactory(McpAspireAppFixture app, string resourceUrl) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("AuthServer:Issuer", app.McpUrl.AbsoluteUri);
        builder.UseSetting("AuthServer:IntrospectionEndpoint", new Uri(app.AuthServerUrl, "/introspect").AbsoluteUri);
        builder.UseSetting("AuthServer:IntrospectionClientId", "mcp-server");
        builder.UseSetting("AuthServer:IntrospectionClientSecret", app.IntrospectionSecret);
        builder.UseSetting("Mcp:ResourceUrl", resourceUrl);
        builder.UseSetting("Jenkins:Url", "http://127.0.0.1:9/");
        builder.UseSetting("Jenkins:User", "unused");
        builder.UseSetting("Jenkins:ApiToken", "unused-token");
    }
}
