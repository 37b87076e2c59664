using System.Text.Json;
using McpAspire.McpJenkinsServer.Authorization;
using McpAspire.McpJenkinsServer.Model.Results;
using McpAspire.McpJenkinsServer.Services;
using ModelContextProtocol;

namespace McpAspire.McpJenkinsServer.Tests.Unit;

public sealed class AuditAndChallengeTests
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

    [Fact]
    public void Challenges_quote_and_escape_their_values()
    {
        var header = BearerChallenge.Format([("error", "invalid_token"), ("error_description", "a \"quoted\" \\ word")]);
        Assert.Equal("Bearer error=\"invalid_token\", error_description=\"a \\\"quoted\\\" \\\\ word\"", header);
    }

    private static readonly JobParameter[] Parameters =
    [
        new("BRANCH", "StringParameterDefinition", null, "main", null),
        new("ENV", "ChoiceParameterDefinition", null, "dev", ["dev", "prod"]),
    ];

    [Fact]
    public void Known_parameters_with_allowed_values_pass()
        => BuildLauncher.CheckParameters("app", Parameters, new Dictionary<string, string?> { ["BRANCH"] = "x", ["ENV"] = "prod" });

    [Fact]
    public void An_unknown_parameter_is_an_invalid_params_error_naming_the_real_ones()
    {
        var error = Assert.Throws<McpProtocolException>(() =>
            BuildLauncher.CheckParameters("app", Parameters, new Dictionary<string, string?> { ["BRNCH"] = "x" }));
        Assert.Equal(McpErrorCode.InvalidParams, error.ErrorCode);
        Assert.Contains("BRANCH, ENV", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_outside_the_choices_is_an_invalid_params_error()
    {
        var error = Assert.Throws<McpProtocolException>(() =>
            BuildLauncher.CheckParameters("app", Parameters, new Dictionary<string, string?> { ["ENV"] = "staging" }));
        Assert.Equal(McpErrorCode.InvalidParams, error.ErrorCode);
    }

    [Fact]
    public void Parameters_for_a_job_without_any_are_a_tool_error_saying_it_is_not_parameterized()
    {
        var error = Assert.Throws<JenkinsException>(() =>
            BuildLauncher.CheckParameters("plain", [], new Dictionary<string, string?> { ["X"] = "1" }));
        Assert.Equal(JenkinsError.NotParameterized, error.Error);
        Assert.IsAssignableFrom<McpException>(error);
    }
}

public sealed class TranscriptRedactionTests
{
    [Theory]
    [InlineData("http://cb/?code=abc123&state=xyz&iss=http%3A%2F%2Fas", "http://cb/?code=***&state=***&iss=http%3A%2F%2Fas")]
    [InlineData("grant_type=authorization_code&code=c0de&code_verifier=v3r&client_secret=s3c", "grant_type=authorization_code&code=***&code_verifier=***&client_secret=***")]
    [InlineData("/account/login?ReturnUrl=%2Fauthorize%3Fstate%3DS7at3%26x%3D1", "/account/login?ReturnUrl=%2Fauthorize%3Fstate%3D***%26x%3D1")]
    [InlineData("""{"access_token": "at", "refresh_token":"rt","scope":"mcp:read"}""", """{"access_token":"***", "refresh_token":"***","scope":"mcp:read"}""")]
    public void Transcripts_mask_codes_tokens_verifiers_and_secrets(string raw, string expected)
        => Assert.Equal(expected, McpAspire.McpJenkinsServer.Tests.Infrastructure.Transcript.Redact(raw));
}
