using System.Collections;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace McpAspire.JenkinsMock.Export;

/// <summary>Writes an exported object graph as Jenkins' <c>/api/json</c> does, pruned by depth or tree.</summary>
public static class JenkinsJsonWriter
{
    public static byte[] Write(IExportable root, TreePruner pruner, ExportContext context, bool pretty)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions
        {
            Indented = pretty,
            // The answer is JSON for API clients, never inlined into HTML: write "»" and "'" as they are, as Jenkins does.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }))
        {
            WriteObject(writer, root, pruner, context);
        }

        return buffer.ToArray();
    }

    private static void WriteObject(Utf8JsonWriter writer, IExportable value, TreePruner pruner, ExportContext context)
    {
        writer.WriteStartObject();
        if (value.JenkinsClass is { } jenkinsClass)
        {
            writer.WriteString("_class", jenkinsClass);
        }

        foreach (var property in value.Export(context))
        {
            if (pruner.Accept(property) is not { } child)
            {
                continue;
            }

            writer.WritePropertyName(property.Name);
            WriteValue(writer, property.Value, child, context);
        }

        writer.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter writer, object? value, TreePruner pruner, ExportContext context)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string text:
                writer.WriteStringValue(text);
                break;
            case bool flag:
                writer.WriteBooleanValue(flag);
                break;
            case int number:
                writer.WriteNumberValue(number);
                break;
            case long number:
                writer.WriteNumberValue(number);
                break;
            case double number:
                writer.WriteNumberValue(number);
                break;
            case IExportable exportable:
                WriteObject(writer, exportable, pruner, context);
                break;
            case IEnumerable sequence:
                writer.WriteStartArray();
                foreach (var element in pruner.Range.Apply(sequence.Cast<object?>()))
                {
                    WriteValue(writer, element, pruner, context);
                }

                writer.WriteEndArray();
                break;
            default:
                throw new InvalidOperationException($"A {value.GetType().Name} cannot be exported.");
        }
    }
}
