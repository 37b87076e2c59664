using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.AI;

namespace McpAspire.McpJenkinsServer.Tools;

/// <summary>
/// Registers the Jenkins tools so that every structured result validates against the tool's own output schema
/// (clients built on the TypeScript SDK check each <c>structuredContent</c> with Ajv and fail the call otherwise).
/// </summary>
public static class JenkinsToolRegistration
{
    public static IReadOnlyList<Type> ToolTypes { get; } =
    [
        typeof(JobTools), typeof(BuildTools), typeof(BuildLogTools), typeof(TestReportTools),
        typeof(QueueTools), typeof(NodeTools), typeof(StatusTools), typeof(BuildControlTools), typeof(PipelineTools), typeof(ArtifactTools),
    ];

    /// <summary>
    /// The SDK's defaults (<see cref="McpJsonUtilities.DefaultOptions"/>), except that nulls are written.
    /// Why: the SDK's schema generation (System.Text.Json's <c>JsonSchemaExporter</c> through Microsoft.Extensions.AI)
    /// lists every property bound to a constructor parameter under <c>required</c> and types a nullable one
    /// <c>["string","null"]</c>: "always present, possibly null". The default options leave nulls out, so a result
    /// broke its own schema wherever a value was null (a folder's colour, the last page's <c>nextOffset</c>, a
    /// running build's result). Writing the nulls keeps the schema exactly as the SDK generates it, the strict form
    /// model providers ask for, and says "null while building" in the data as the descriptions do. The other way,
    /// nullable properties not required, would rewrite every schema and leave clients to tell absent from unknown.
    /// </summary>
    public static JsonSerializerOptions SerializerOptions { get; } = CreateSerializerOptions();

    /// <summary>
    /// The SDK's schema generation, plus one correction: a dictionary whose values are declared nullable
    /// (<c>IReadOnlyDictionary&lt;string, string?&gt;</c>, e.g. build parameters, where Jenkins shows no value for
    /// passwords) gets <c>["string","null"]</c> values. The exporter cannot see nullability on generic arguments
    /// and would otherwise forbid the null that the result then carries.
    /// </summary>
    public static AIJsonSchemaCreateOptions SchemaCreateOptions { get; } = new() { TransformSchemaNode = AllowDeclaredNullDictionaryValues };

    /// <summary>
    /// Like the SDK's <c>WithTools&lt;T&gt;()</c> (an instance per call, built from the request's services), with the
    /// options above: <c>WithTools&lt;T&gt;</c> takes serializer options but no schema options.
    /// </summary>
    public static IMcpServerBuilder WithJenkinsTools(this IMcpServerBuilder builder)
    {
        foreach (var type in ToolTypes)
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance).Where(m => m.IsDefined(typeof(McpServerToolAttribute))))
            {
                builder.Services.AddSingleton(services => McpServerTool.Create(
                    method,
                    request => ActivatorUtilities.CreateInstance(request.Services ?? services, type),
                    new McpServerToolCreateOptions { Services = services, SerializerOptions = SerializerOptions, SchemaCreateOptions = SchemaCreateOptions }));
            }
        }

        return builder;
    }

    private static JsonSerializerOptions CreateSerializerOptions()
    {
        var options = new JsonSerializerOptions(McpJsonUtilities.DefaultOptions) { DefaultIgnoreCondition = JsonIgnoreCondition.Never };
        options.MakeReadOnly();
        return options;
    }

    private static JsonNode AllowDeclaredNullDictionaryValues(AIJsonSchemaCreateContext context, JsonNode schema)
    {
        if (context.TypeInfo.Kind != JsonTypeInfoKind.Dictionary
            || schema is not JsonObject dictionary
            || dictionary["additionalProperties"] is not JsonObject values
            || values["type"] is not JsonValue type
            || !type.TryGetValue<string>(out var valueType))
        {
            return schema;
        }

        var nullability = new NullabilityInfoContext();
        var declared = context.PropertyAttributeProvider switch
        {
            PropertyInfo property => nullability.Create(property),
            _ => context.ParameterAttributeProvider is ParameterInfo parameter ? nullability.Create(parameter) : null,
        };
        if (declared?.GenericTypeArguments is [_, { ReadState: NullabilityState.Nullable }])
        {
            values["type"] = new JsonArray(valueType, "null");
        }

        return schema;
    }
}
