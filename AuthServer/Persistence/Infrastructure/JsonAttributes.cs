namespace McpAspire.AuthServer.Persistence.Infrastructure;

/// <summary>
/// Collections are stored as JSON strings (the shape OpenIddict's Entity Framework stores use), parsed once
/// when an item is read so a corrupt value is caught there, logged, and the item treated as absent.
/// </summary>
internal static class JsonAttributes
{
    public static string? Write(ImmutableArray<string> values)
        => values.IsDefaultOrEmpty ? null : JsonSerializer.Serialize(values.ToArray());

    public static string? Write(ImmutableDictionary<string, JsonElement> values)
        => values.IsEmpty ? null : JsonSerializer.Serialize(values);

    public static string? Write(ImmutableDictionary<string, string> values)
        => values.IsEmpty ? null : JsonSerializer.Serialize(values);

    public static string? Write(ImmutableDictionary<CultureInfo, string> values)
        => values.IsEmpty ? null : JsonSerializer.Serialize(values.ToDictionary(pair => pair.Key.Name, pair => pair.Value, StringComparer.Ordinal));

    public static ImmutableArray<string> ReadArray(string? json)
        => json is null ? [] : [.. JsonSerializer.Deserialize<string[]>(json) ?? throw new JsonException("null array")];

    public static ImmutableDictionary<string, JsonElement> ReadProperties(string? json)
        => json is null
            ? ImmutableDictionary<string, JsonElement>.Empty
            : (JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json) ?? throw new JsonException("null object"))
                .ToImmutableDictionary(pair => pair.Key, pair => pair.Value.Clone(), StringComparer.Ordinal);

    public static ImmutableDictionary<string, string> ReadSettings(string? json)
        => json is null
            ? ImmutableDictionary<string, string>.Empty
            : (JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? throw new JsonException("null object"))
                .ToImmutableDictionary(StringComparer.Ordinal);

    public static ImmutableDictionary<CultureInfo, string> ReadLocalized(string? json)
        => json is null
            ? ImmutableDictionary<CultureInfo, string>.Empty
            : (JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? throw new JsonException("null object"))
                .ToImmutableDictionary(pair => CultureInfo.GetCultureInfo(pair.Key), pair => pair.Value);
}
