namespace McpAspire.McpJenkinsServer.Tests.Unit;

/// <summary>What the audit log of a tool call may say about its arguments.</summary>
public sealed class ToolCallAuditTests
{
    [Fact]
    public void Audited_arguments_mask_values_with_secret_looking_names_at_any_depth()
    {
        var arguments = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(
            """{"job":"team/app","parameters":{"BRANCH":"main","API_TOKEN":"s3cr3t-value","db_password":"hunter2"},"apiKey":"k-123"}""")!;

        var audited = ToolCallAudit.RedactArguments(arguments);

        Assert.Contains("team/app", audited, StringComparison.Ordinal);
        Assert.Contains("main", audited, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-value", audited, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", audited, StringComparison.Ordinal);
        Assert.DoesNotContain("k-123", audited, StringComparison.Ordinal);
    }

    [Fact]
    public void Audited_arguments_are_bounded()
    {
        var arguments = new Dictionary<string, JsonElement> { ["pattern"] = JsonSerializer.SerializeToElement(new string('x', 10_000)) };
        Assert.True(ToolCallAudit.RedactArguments(arguments).Length <= 2049);
    }
}
