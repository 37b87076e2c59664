namespace McpAspire.JenkinsMock.Model;

/// <summary>A parameter definition (hudson.model.ParameterDefinition); <c>type</c> is the class's simple name.</summary>
public abstract class ParameterDefinition(string name, string? description) : IExportable
{
    public string Name { get; } = name;

    public string? Description { get; } = description;

    public abstract string Type { get; }

    public string JenkinsClass => $"hudson.model.{Type}";

    public abstract ParameterValue DefaultValue { get; }

    /// <summary>The value for a submitted text; null with <paramref name="problem"/> set when the text is not acceptable.</summary>
    public abstract ParameterValue? CreateValue(string text, out string? problem);

    /// <summary>ParameterDefinition is <c>@ExportedBean(defaultVisibility = 3)</c>.</summary>
    protected const int DefinitionVisibility = 3;

    public virtual IEnumerable<Exported> Export(ExportContext context) =>
    [
        new("defaultParameterValue", DefaultValue, DefinitionVisibility),
        new("description", Description, DefinitionVisibility),
        new("name", Name, DefinitionVisibility),
        new("type", Type, DefinitionVisibility),
    ];
}

public sealed class StringParameterDefinition(string name, string defaultValue, string? description = null) : ParameterDefinition(name, description)
{
    public override string Type => "StringParameterDefinition";

    public override ParameterValue DefaultValue => ParameterValue.Text(Name, defaultValue);

    public override ParameterValue? CreateValue(string text, out string? problem)
    {
        problem = null;
        return ParameterValue.Text(Name, text);
    }
}

public sealed class BooleanParameterDefinition(string name, bool defaultValue, string? description = null) : ParameterDefinition(name, description)
{
    public override string Type => "BooleanParameterDefinition";

    public override ParameterValue DefaultValue => ParameterValue.Boolean(Name, defaultValue);

    /// <summary>Like Jenkins, anything but "true" (or "on", a checked box) is false.</summary>
    public override ParameterValue? CreateValue(string text, out string? problem)
    {
        problem = null;
        return ParameterValue.Boolean(Name, text.Equals("true", StringComparison.OrdinalIgnoreCase) || text.Equals("on", StringComparison.OrdinalIgnoreCase));
    }
}

public sealed class ChoiceParameterDefinition(string name, IReadOnlyList<string> choices, string? description = null) : ParameterDefinition(name, description)
{
    public IReadOnlyList<string> Choices { get; } = choices;

    public override string Type => "ChoiceParameterDefinition";

    /// <summary>The first choice is the default.</summary>
    public override ParameterValue DefaultValue => ParameterValue.Text(Name, Choices[0]);

    public override ParameterValue? CreateValue(string text, out string? problem)
    {
        if (!Choices.Contains(text, StringComparer.Ordinal))
        {
            problem = $"Illegal choice for parameter {Name}: {text}";
            return null;
        }

        problem = null;
        return ParameterValue.Text(Name, text);
    }

    public override IEnumerable<Exported> Export(ExportContext context) => [.. base.Export(context), new("choices", Choices, DefinitionVisibility)];
}

/// <summary>A parameter value (hudson.model.StringParameterValue, BooleanParameterValue).</summary>
public sealed record ParameterValue(string JenkinsClass, string Name, object Value) : IExportable
{
    public static ParameterValue Text(string name, string value) => new("hudson.model.StringParameterValue", name, value);

    public static ParameterValue Boolean(string name, bool value) => new("hudson.model.BooleanParameterValue", name, value);

    /// <summary>The value as it appears in queue item params and logs ("true", not "True").</summary>
    public string AsText => Value is bool flag ? (flag ? "true" : "false") : Convert.ToString(Value, CultureInfo.InvariantCulture) ?? "";

    public IEnumerable<Exported> Export(ExportContext context) =>
    [
        new("name", Name, Visibility: 3),
        new("value", Value, Visibility: 4),
    ];
}

/// <summary>hudson.model.ParametersDefinitionProperty: a job property (and action) listing the definitions.</summary>
public sealed class ParametersDefinitionProperty(IReadOnlyList<ParameterDefinition> definitions) : IExportable
{
    public string JenkinsClass => "hudson.model.ParametersDefinitionProperty";

    /// <summary>ParametersDefinitionProperty is <c>@ExportedBean(defaultVisibility = 2)</c>.</summary>
    public IEnumerable<Exported> Export(ExportContext context) => [new("parameterDefinitions", definitions, Visibility: 2)];
}

/// <summary>hudson.model.ParametersAction: the values a build ran with.</summary>
public sealed class ParametersAction(IReadOnlyList<ParameterValue> parameters) : IExportable
{
    public string JenkinsClass => "hudson.model.ParametersAction";

    public IEnumerable<Exported> Export(ExportContext context) => [new("parameters", parameters, Visibility: 2)];
}
