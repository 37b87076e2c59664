using System.Diagnostics;
using System.Text.Json.Nodes;

namespace McpAspire.AppHost.Tests;

/// <summary>
/// The deployable description `dotnet run --project AppHost -- --publisher manifest` writes, published once for the
/// whole class: xUnit makes a class instance per test, so publishing in the class itself ran the AppHost 17 times.
/// </summary>
public sealed class PublishedManifest : IAsyncLifetime
{
    public JsonObject Resources { get; private set; } = [];

    public async ValueTask InitializeAsync()
    {
        var output = Path.Combine(Path.GetTempPath(), $"mcpaspire-manifest-{Guid.NewGuid():N}.json");
        try
        {
            using var process = Process.Start(new ProcessStartInfo(
                "dotnet",
                ["run", "--project", Projects.AppHost.ProjectPath, "--no-build", "--",
                 "--publisher", "manifest", "--output-path", output])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            var log = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await process.WaitForExitAsync(timeout.Token);
            Assert.True(process.ExitCode == 0, $"The manifest publisher failed: {await log}{await errors}");

            Resources = JsonNode.Parse(await File.ReadAllTextAsync(output))!["resources"]!.AsObject();
        }
        finally
        {
            File.Delete(output);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

public sealed class PublishManifestTests(PublishedManifest manifest) : IClassFixture<PublishedManifest>
{
    private readonly JsonObject _resources = manifest.Resources;

    [Theory]
    [InlineData("jenkins")]
    [InlineData("auth-server")]
    [InlineData("mcp-server")]
    public void Each_service_is_a_deployable_project(string name)
        => Assert.Equal("project.v0", Type(name));

    [Fact]
    public void DynamoDB_Local_is_not_deployed()
        => Assert.DoesNotContain("dynamodb", _resources.Select(resource => resource.Key));

    [Theory]
    [InlineData("dynamodb-region", false)]
    [InlineData("dynamodb-table-prefix", false)]
    [InlineData("dynamodb-access-key-id", true)]
    [InlineData("dynamodb-secret-access-key", true)]
    [InlineData("admin-password", true)]
    [InlineData("jenkins-api-token", true)]
    [InlineData("mcp-introspection-secret", true)]
    [InlineData("data-protection-key-encryption-key", true)]
    public void Deployment_settings_are_parameters_and_secrets_are_marked_secret(string name, bool secret)
    {
        Assert.Equal("parameter.v0", Type(name));
        Assert.Equal(secret, _resources[name]!["inputs"]!["value"]!["secret"]?.GetValue<bool>() ?? false);
    }

    [Fact]
    public void The_auth_server_talks_to_AWS_DynamoDB_with_the_parameters_not_to_a_local_endpoint()
    {
        var environment = _resources["auth-server"]!["env"]!.AsObject();

        Assert.DoesNotContain("AWS_ENDPOINT_URL_DYNAMODB", environment.Select(variable => variable.Key));
        Assert.Equal("{dynamodb-region.value}", environment["AWS_REGION"]!.GetValue<string>());
        Assert.Equal("{dynamodb-table-prefix.value}", environment["DynamoDb__TablePrefix"]!.GetValue<string>());
        Assert.Equal("{dynamodb-secret-access-key.value}", environment["AWS_SECRET_ACCESS_KEY"]!.GetValue<string>());
    }

    [Fact]
    public void The_auth_server_encrypts_its_Data_Protection_keys_under_a_required_secret_parameter()
    {
        Assert.Equal("{data-protection-key-encryption-key.value}",
            _resources["auth-server"]!["env"]!["DataProtection__KeyEncryptionKey"]!.GetValue<string>());
        // Published, the parameter has no generated default: the deployment must supply it.
        Assert.Null(_resources["data-protection-key-encryption-key"]!["inputs"]!["value"]!["default"]);
    }

    [Fact]
    public void Public_urls_use_the_https_ingress_when_published()
    {
        // The issuer is the MCP server's resource URL; the auth server's endpoints are at its own ingress.
        Assert.Equal("{mcp-server.bindings.https.url}/mcp", _resources["mcp-server"]!["env"]!["AuthServer__Issuer"]!.GetValue<string>());
        Assert.Equal("{mcp-server.bindings.https.url}/mcp", _resources["auth-server"]!["env"]!["AuthServer__Issuer"]!.GetValue<string>());
        Assert.Equal("{auth-server.bindings.https.url}", _resources["auth-server"]!["env"]!["AuthServer__PublicUrl"]!.GetValue<string>());
        Assert.Equal("{mcp-server.bindings.https.url}/mcp", _resources["auth-server"]!["env"]!["McpServer__ResourceUrl"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("auth-server")]
    [InlineData("mcp-server")]
    public void Each_scalable_service_is_told_its_replica_count_one_unless_configured(string name)
        => Assert.Equal("1", _resources[name]!["env"]!["Scaling__Replicas"]!.GetValue<string>());

    private string? Type(string name) => _resources[name]?["type"]?.GetValue<string>();
}
