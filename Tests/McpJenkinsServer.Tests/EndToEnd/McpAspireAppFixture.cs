extern alias apphost;

namespace McpAspire.McpJenkinsServer.Tests.EndToEnd;

/// <summary>
/// This assembly's one AppHost (DynamoDB Local in memory, JenkinsMock, auth server, MCP server; see
/// <see cref="DistributedApplicationFixture"/>), shared by every class in the
/// <see cref="DistributedApplicationFixture.Collection"/> collection.
/// </summary>
public sealed class McpAspireAppFixture() : DistributedApplicationFixture(typeof(apphost::Projects.AppHost));

[CollectionDefinition(DistributedApplicationFixture.Collection)]
public sealed class WholeAppHostGroup : ICollectionFixture<McpAspireAppFixture>;
