using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace McpAspire.McpJenkinsServer.Tests.Protection;

/// <summary>
/// The real MCP server in process, with an auth server and a Jenkins that cannot be reached: enough to test
/// everything the server must decide before any token is accepted, and that it fails closed.
/// </summary>
public sealed class McpServerFactory : WebApplicationFactory<Program>
{
    public const string Issuer = "http://auth.test/";
    public const string ResourceUrl = "http://localhost/mcp";
    public const string AllowedOrigin = "http://allowed.test";

    // Port 9 (discard) is closed on loopback: connections are refused at once.
    private const string Unreachable = "http://127.0.0.1:9/";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("AuthServer:Issuer", Issuer);
        builder.UseSetting("AuthServer:IntrospectionEndpoint", Unreachable + "introspect");
        builder.UseSetting("AuthServer:IntrospectionClientId", "mcp-server");
        builder.UseSetting("AuthServer:IntrospectionClientSecret", RandomSecret());
        builder.UseSetting("Mcp:ResourceUrl", ResourceUrl);
        builder.UseSetting("Mcp:AllowedOrigins:0", AllowedOrigin);
        builder.UseSetting("Jenkins:Url", Unreachable);
        builder.UseSetting("Jenkins:User", "mcp-bot");
        builder.UseSetting("Jenkins:ApiToken", RandomSecret());
    }

    private static string RandomSecret() => Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
}
