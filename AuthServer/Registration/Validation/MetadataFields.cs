namespace McpAspire.AuthServer.Registration.Validation;

/// <summary>Typed, null-tolerant access to the members of the metadata object (JSON null means absent).</summary>
internal readonly struct MetadataFields(JsonElement root)
{
    public bool Has(string name) => root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

    public JsonElement Get(string name) => root.GetProperty(name);

    public bool TryGetString(string name, out string? value, out string error, int maxLength = 4096)
    {
        value = null;
        error = "";
        if (!Has(name))
        {
            return true;
        }

        var element = Get(name);
        if (element.ValueKind != JsonValueKind.String)
        {
            error = $"{name} must be a string.";
            return false;
        }

        value = element.GetString()!;
        if (value.Length > maxLength)
        {
            error = $"{name} must not be longer than {maxLength} characters.";
            return false;
        }

        return true;
    }

    public bool TryGetStringArray(string name, out List<string>? values, out string error, int maxItemLength = 256)
    {
        values = null;
        error = "";
        if (!Has(name))
        {
            return true;
        }

        var element = Get(name);
        if (element.ValueKind != JsonValueKind.Array || element.EnumerateArray().Any(item => item.ValueKind != JsonValueKind.String))
        {
            error = $"{name} must be an array of strings.";
            return false;
        }

        values = [.. element.EnumerateArray().Select(item => item.GetString()!)];
        if (values.Count > 32 || values.Any(item => item.Length > maxItemLength))
        {
            error = $"{name} has too many or too long entries.";
            return false;
        }

        return true;
    }
}
