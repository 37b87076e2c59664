namespace McpAspire.AppHost.Tests;

/// <summary>
/// This assembly's one AppHost (see <see cref="DistributedApplicationFixture"/>), shared by every class in the
/// <see cref="DistributedApplicationFixture.Collection"/> collection.
/// </summary>
public sealed class AppHostFixture() : DistributedApplicationFixture(typeof(Projects.AppHost));

[CollectionDefinition(DistributedApplicationFixture.Collection)]
public sealed class WholeAppHostGroup : ICollectionFixture<AppHostFixture>;
