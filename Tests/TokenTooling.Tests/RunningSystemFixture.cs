namespace McpAspire.TokenTooling.Tests;

/// <summary>
/// This assembly's one AppHost (see <see cref="DistributedApplicationFixture"/>): the running system the script
/// signs in to, shared by every class in the <see cref="DistributedApplicationFixture.Collection"/> collection.
/// </summary>
public sealed class RunningSystemFixture() : DistributedApplicationFixture(typeof(Projects.AppHost));

[CollectionDefinition(DistributedApplicationFixture.Collection)]
public sealed class WholeAppHostGroup : ICollectionFixture<RunningSystemFixture>;
