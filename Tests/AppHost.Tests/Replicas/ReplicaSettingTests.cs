namespace McpAspire.AppHost.Tests.Replicas;

/// <summary>The AppHost setting <c>Replicas:{service}</c>, read without starting anything.</summary>
public sealed class ReplicaSettingTests
{
    [Theory]
    [InlineData(null, 1)]
    [InlineData("3", 3)]
    public void A_service_runs_the_configured_number_of_replicas_one_by_default(string? configured, int expected)
    {
        var builder = DistributedApplication.CreateBuilder(configured is null ? [] : [$"--Replicas:AuthServer={configured}"]);

        var service = builder.AddProject("auth-server", ProjectPath("AuthServer")).WithConfiguredReplicas("AuthServer");

        Assert.Equal(expected, service.Resource.GetReplicaCount());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("two")]
    public void A_count_that_is_not_a_whole_number_of_at_least_one_stops_the_AppHost_naming_the_setting(string configured)
    {
        var builder = DistributedApplication.CreateBuilder([$"--Replicas:McpServer={configured}"]);

        var refused = Assert.Throws<DistributedApplicationException>(() =>
            builder.AddProject("mcp-server", ProjectPath("McpJenkinsServer")).WithConfiguredReplicas("McpServer"));
        Assert.Contains("Replicas:McpServer", refused.Message, StringComparison.Ordinal);
    }

    /// <summary>A sibling of the AppHost's project directory (its <c>ProjectPath</c> names the directory or the file).</summary>
    private static string ProjectPath(string project)
    {
        var appHost = Projects.AppHost.ProjectPath;
        var appHostDirectory = appHost.EndsWith(".csproj", StringComparison.Ordinal) ? Path.GetDirectoryName(appHost)! : appHost;
        return Path.GetFullPath(Path.Combine(appHostDirectory, "..", project, project + ".csproj"));
    }
}
