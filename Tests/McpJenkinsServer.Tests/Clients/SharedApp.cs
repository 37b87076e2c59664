using McpAspire.McpJenkinsServer.Tests.EndToEnd;

namespace McpAspire.McpJenkinsServer.Tests.Clients;

/// <summary>One running AppHost shared by every client emulation (each test registers its own client).</summary>
[CollectionDefinition(Name)]
public sealed class SharedApp : ICollectionFixture<McpAspireAppFixture>
{
    public const string Name = "MCP clients against the whole AppHost";
}
