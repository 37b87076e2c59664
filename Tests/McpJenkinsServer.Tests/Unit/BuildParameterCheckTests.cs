using McpAspire.McpJenkinsServer.Model.Results;

namespace McpAspire.McpJenkinsServer.Tests.Unit;

/// <summary>The parameters of trigger_build, checked against the job's definitions before Jenkins is asked.</summary>
public sealed class BuildParameterCheckTests
{
    private static readonly JobParameter[] Parameters =
    [
        new("BRANCH", "StringParameterDefinition", null, "main", null),
        new("ENV", "ChoiceParameterDefinition", null, "dev", ["dev", "prod"]),
    ];

    [Fact]
    public void Known_parameters_with_allowed_values_pass()
    {
        var error = Record.Exception(() =>
            BuildLauncher.CheckParameters("app", Parameters, new Dictionary<string, string?> { ["BRANCH"] = "x", ["ENV"] = "prod" }));

        Assert.Null(error);
    }

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
