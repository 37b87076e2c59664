namespace McpAspire.AuthServer.Server;

/// <summary>The scopes this authorization server knows, and what each means to a person reading the consent page.</summary>
public static class McpScopes
{
    /// <summary>Read Jenkins through the MCP server: jobs, builds, logs.</summary>
    public const string Read = "mcp:read";

    /// <summary>Act on Jenkins through the MCP server: start, stop builds.</summary>
    public const string Write = "mcp:write";

    /// <summary>The scopes that grant access to the MCP server; nothing else ever does.</summary>
    public static readonly IReadOnlyList<string> Mcp = [Read, Write];

    /// <summary>
    /// OpenID Connect scopes that clients (Amazon Q CLI, for one) ask for by default. They are accepted so
    /// those clients work unconfigured, but they never grant any access to the MCP server.
    /// </summary>
    public static readonly IReadOnlyList<string> OpenId = ["openid", "profile", "email", "offline_access"];

    /// <summary>Every scope advertised in discovery (<c>scopes_supported</c>).</summary>
    public static readonly IReadOnlyList<string> Supported = [.. Mcp, .. OpenId];

    /// <summary>Plain-language descriptions shown on the consent page.</summary>
    public static string Describe(string scope) => scope switch
    {
        Read => "Read your Jenkins jobs, builds and build logs",
        Write => "Start and stop Jenkins builds on your behalf",
        "offline_access" => "Stay signed in (keep access when you are not using it)",
        "openid" => "Know who you are (your user id)",
        "profile" => "See your user name",
        "email" => "See your e-mail address, if you have one",
        _ => scope,
    };
}
