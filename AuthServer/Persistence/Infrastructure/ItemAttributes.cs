using Amazon.DynamoDBv2.Model;

namespace McpAspire.AuthServer.Persistence.Infrastructure;

/// <summary>An item read back without an attribute it must have, or with one DynamoDB cannot have written.</summary>
public sealed class MalformedItemException(string table, string attribute, string problem)
    : Exception($"Item in table '{table}' has {problem} attribute '{attribute}'.")
{
    public string Table { get; } = table;
    public string Attribute { get; } = attribute;
}

/// <summary>Builds an item: absent or empty values are left out, so optional attributes never exist empty.</summary>
internal sealed class ItemWriter
{
    public Dictionary<string, AttributeValue> Item { get; } = new(StringComparer.Ordinal);

    public ItemWriter String(string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            Item[name] = new AttributeValue { S = value };
        }

        return this;
    }

    public ItemWriter Date(string name, DateTimeOffset? value)
        => String(name, value?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));

    public ItemWriter Number(string name, long? value)
    {
        if (value is { } number)
        {
            Item[name] = NumberValue(number);
        }

        return this;
    }

    /// <summary>A boolean written only when true (absent reads as false, so items written before it read the same).</summary>
    public ItemWriter Flag(string name, bool value)
    {
        if (value)
        {
            Item[name] = new AttributeValue { BOOL = true };
        }

        return this;
    }

    /// <summary>A string set, written only when it has members (DynamoDB has no empty sets).</summary>
    public ItemWriter Strings(string name, IEnumerable<string> values)
    {
        var members = values.Where(value => !string.IsNullOrEmpty(value)).Distinct(StringComparer.Ordinal).ToList();
        if (members.Count > 0)
        {
            Item[name] = new AttributeValue { SS = members };
        }

        return this;
    }

    public static AttributeValue NumberValue(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };
}

/// <summary>Reads an item back, failing with <see cref="MalformedItemException"/> when it breaks the schema.</summary>
internal readonly struct ItemReader(Dictionary<string, AttributeValue> item, string table)
{
    public string Required(string name)
        => String(name) ?? throw new MalformedItemException(table, name, "no");

    public string? String(string name)
    {
        if (!item.TryGetValue(name, out var value))
        {
            return null;
        }

        return value.S ?? throw new MalformedItemException(table, name, "a non-string");
    }

    public DateTimeOffset? Date(string name)
    {
        var text = String(name);
        if (text is null)
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            ? date
            : throw new MalformedItemException(table, name, "an unparsable date");
    }

    /// <summary>A flag written by <see cref="ItemWriter.Flag"/>: false when absent.</summary>
    public bool Flag(string name)
    {
        if (!item.TryGetValue(name, out var value))
        {
            return false;
        }

        return value.BOOL ?? throw new MalformedItemException(table, name, "a non-boolean");
    }

    /// <summary>A string set written by <see cref="ItemWriter.Strings"/>: empty when absent.</summary>
    public IReadOnlyList<string> Strings(string name)
    {
        if (!item.TryGetValue(name, out var value))
        {
            return [];
        }

        return value.SS is { Count: > 0 } members
            ? [.. members.Order(StringComparer.Ordinal)]
            : throw new MalformedItemException(table, name, "a non-string-set");
    }

    public long? Number(string name)
    {
        if (!item.TryGetValue(name, out var value))
        {
            return null;
        }

        return value.N is not null && long.TryParse(value.N, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new MalformedItemException(table, name, "a non-integer");
    }
}
