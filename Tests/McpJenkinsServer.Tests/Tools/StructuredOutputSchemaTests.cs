using System.IO.Pipelines;
using Json.Schema;
using Microsoft.Extensions.Hosting;
using ModelContextProtocol.Client;

namespace McpAspire.McpJenkinsServer.Tests.Tools;

/// <summary>
/// Every tool's <c>structuredContent</c>, as the SDK puts it on the wire, validated against that tool's own
/// <c>outputSchema</c> from <c>tools/list</c> by a strict JSON Schema validator (JsonSchema.Net, formats checked),
/// as clients built on the TypeScript SDK do with Ajv before they hand a result over. The tools are registered
/// exactly as the server registers them and run against the real JenkinsMock; the calls are chosen so that the
/// nullable fields are met both null and set.
/// </summary>
public sealed class StructuredOutputSchemaTests(JenkinsMockFactory mock) : IClassFixture<JenkinsMockFactory>, IAsyncLifetime
{
    private static readonly EvaluationOptions Strict = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };

    private readonly Dictionary<string, JsonSchema> schemas = [];
    private readonly HashSet<string> called = [];
    private readonly List<string> violations = [];
    private IHost? server;
    private McpClient? client;

    private McpClient Client => client ?? throw new InvalidOperationException("Not connected.");

    public async ValueTask InitializeAsync()
    {
        var clientToServer = new Pipe();
        var serverToClient = new Pipe();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton(_ => mock.CreateJenkinsClient());
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<BuildLauncher>();
        builder.Services.AddMcpServer()
            .WithStreamServerTransport(clientToServer.Reader.AsStream(), serverToClient.Writer.AsStream())
            .WithJenkinsTools();
        server = builder.Build();
        await server.StartAsync();
        client = await McpClient.CreateAsync(new StreamClientTransport(clientToServer.Writer.AsStream(), serverToClient.Reader.AsStream()));

        foreach (var tool in await Client.ListToolsAsync())
        {
            var outputSchema = tool.ProtocolTool.OutputSchema ?? throw new InvalidOperationException($"{tool.Name} has no output schema.");
            schemas[tool.Name] = JsonSchema.FromText(outputSchema.GetRawText());
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (client is not null)
        {
            await client.DisposeAsync();
        }

        if (server is not null)
        {
            await server.StopAsync();
            server.Dispose();
        }
    }

    [Fact]
    public async Task Every_tools_structured_content_validates_against_its_own_output_schema()
    {
        // Jobs: the root (folders have no colour; the only page has no next offset), a first page, a folder, a job.
        await CallAsync("list_jobs", []);
        await CallAsync("list_jobs", new() { ["recursive"] = true, ["limit"] = 2 });
        await CallAsync("get_job", new() { ["job"] = "backend" });
        await CallAsync("get_job", new() { ["job"] = "deploy/deploy-shop" });

        // Builds, logs, tests.
        await CallAsync("list_builds", new() { ["job"] = "backend/payments-service", ["limit"] = 5 });
        await CallAsync("list_builds", new() { ["job"] = "backend/payments-service", ["offset"] = 10 });
        await CallAsync("get_build", new() { ["job"] = "deploy/deploy-shop", ["build"] = "lastCompletedBuild" });
        await CallAsync("get_build_log", new() { ["job"] = "backend/payments-service", ["limit"] = 500 });
        await CallAsync("get_build_log", new() { ["job"] = "backend/payments-service", ["tail"] = 5 });
        await CallAsync("search_build_log", new() { ["job"] = "backend/payments-service", ["pattern"] = "^Finished: " });
        await CallAsync("get_test_report", new() { ["job"] = "backend/payments-service", ["failures_only"] = true });

        // Jenkins as a whole; who_am_i without a signed-in user (no subject, no client).
        await CallAsync("list_nodes", []);
        await CallAsync("get_pipeline_stages", new() { ["job"] = "frontend/web-app", ["build"] = "lastCompletedBuild" });
        await CallAsync("get_stage_log", new() { ["job"] = "frontend/web-app", ["build"] = "lastCompletedBuild", ["stage"] = "Install" });
        await CallAsync("list_artifacts", new() { ["job"] = "backend/payments-service" });
        await CallAsync("read_artifact", new() { ["job"] = "backend/payments-service", ["path"] = "target/build-info.txt" });
        await CallAsync("get_jenkins_status", []);
        await CallAsync("who_am_i", []);

        // A build queued without waiting (no build number yet), followed, then cancelled. A parameter sent as null
        // comes back null in the result: the declared string? values of the parameters dictionary.
        var queued = await CallAsync("trigger_build", new() { ["job"] = "release-notes", ["parameters"] = new Dictionary<string, string?> { ["RELEASE"] = null } });
        var queueItemId = queued.GetProperty("queueItemId").GetInt64();
        await CallAsync("get_queue", []);
        await CallAsync("get_queue_item", new() { ["id"] = queueItemId });
        await CallAsync("cancel_queue_item", new() { ["id"] = queueItemId });
        await CallAsync("get_queue_item", new() { ["id"] = queueItemId });

        // A build waited for until it runs: a running build has no result yet. Then stopped, and rebuilt.
        var started = await CallAsync("trigger_build", new() { ["job"] = "nightly-db-backup", ["wait_for_start"] = true, ["wait_seconds"] = 60 });
        var number = started.GetProperty("buildNumber").GetInt32();
        var running = await CallAsync("get_build", new() { ["job"] = "nightly-db-backup", ["build"] = number.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        await CallAsync("list_running_builds", []);
        await CallAsync("set_build_description", new() { ["job"] = "nightly-db-backup", ["build"] = number, ["description"] = "checked by the schema test" });
        await CallAsync("stop_build", new() { ["job"] = "nightly-db-backup", ["build"] = number });
        var rebuilt = await CallAsync("rebuild", new() { ["job"] = "deploy/deploy-shop", ["build"] = "lastCompletedBuild" });
        await CallAsync("cancel_queue_item", new() { ["id"] = rebuilt.GetProperty("queueItemId").GetInt64() });
        await CallAsync("replay_pipeline", new() { ["job"] = "frontend/web-app", ["build"] = "lastCompletedBuild" });

        Assert.Equal(schemas.Keys.Order(), called.Order());
        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));

        // The nulls are there, not left out: a queued build has no number yet, a running build no result.
        Assert.Equal(JsonValueKind.Null, queued.GetProperty("buildNumber").ValueKind);
        Assert.Equal(JsonValueKind.Null, queued.GetProperty("parameters").GetProperty("RELEASE").ValueKind);
        Assert.Equal(JsonValueKind.Null, running.GetProperty("result").ValueKind);
    }

    /// <summary>Calls a tool, checks it succeeded, and records every way its structured content breaks its schema.</summary>
    private async Task<JsonElement> CallAsync(string tool, Dictionary<string, object?> arguments)
    {
        var result = await Client.CallToolAsync(tool, arguments);
        Assert.True(result.IsError != true, $"{tool} failed: {(result.Content.FirstOrDefault() as TextContentBlock)?.Text}");
        var content = result.StructuredContent ?? throw new InvalidOperationException($"{tool} returned no structured content.");
        called.Add(tool);

        var evaluation = schemas[tool].Evaluate(content, Strict);
        if (!evaluation.IsValid)
        {
            violations.AddRange((evaluation.Details ?? []).Where(d => d.Errors is { Count: > 0 })
                .SelectMany(d => d.Errors!.Select(e => $"{tool}: {d.InstanceLocation}: {e.Value}")));
        }

        return content;
    }
}
