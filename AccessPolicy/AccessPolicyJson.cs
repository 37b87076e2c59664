using System.Text.Json;
using System.Text.Json.Serialization;

namespace McpAspire.AccessPolicy;

/// <summary>
/// The policy's JSON form, as stored in DynamoDB and pasted on the admin page:
/// <code>
/// {"rules": [
///   {"who": "group:team-a", "items": "team-a/**", "actions": ["read", "build", "cancel"]},
///   {"who": "*", "items": "shared/*", "actions": ["read"]}
/// ]}
/// </code>
/// Reading is strict: unknown properties, unknown actions, missing or malformed fields all refuse the whole document
/// with a sentence naming the rule and the problem. A policy is never half-applied.
/// </summary>
public static class AccessPolicyJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        WriteIndented = false,
        MaxDepth = 8,
    };

    private static readonly JsonSerializerOptions Indented = new(Options) { WriteIndented = true };

    /// <summary>The rules as JSON (the version is stored beside the document, not in it).</summary>
    public static string Write(IEnumerable<AccessRule> rules, bool indented = false)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var document = new DocumentDto([.. rules.Select(rule => new RuleDto(rule.Who.ToString(), rule.Items.Text, [.. rule.Actions.Select(a => a.Name())]))]);
        return JsonSerializer.Serialize(document, indented ? Indented : Options);
    }

    /// <summary>Reads the rules of <paramref name="json"/>, or throws <see cref="AccessPolicyFormatException"/> saying what is wrong.</summary>
    public static IReadOnlyList<AccessRule> Read(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            throw new AccessPolicyFormatException("The policy document is empty.");
        }

        DocumentDto? document;
        try
        {
            document = JsonSerializer.Deserialize<DocumentDto>(json, Options);
        }
        catch (JsonException exception)
        {
            throw new AccessPolicyFormatException($"The policy document is not valid: {exception.Message}", exception);
        }

        if (document?.Rules is null)
        {
            throw new AccessPolicyFormatException("The policy document has no \"rules\" array.");
        }

        if (document.Rules.Count > AccessPolicyDocument.MaxRules)
        {
            throw new AccessPolicyFormatException($"The policy has {document.Rules.Count} rules; at most {AccessPolicyDocument.MaxRules} are allowed.");
        }

        var rules = new List<AccessRule>(document.Rules.Count);
        for (var i = 0; i < document.Rules.Count; i++)
        {
            rules.Add(ReadRule(document.Rules[i], i + 1));
        }

        return rules;
    }

    /// <summary>One rule from its three fields as the admin page's form gives them; problems as sentences.</summary>
    public static AccessRule ParseRule(string? who, string? items, IEnumerable<string?> actions, int number)
        => ReadRule(new RuleDto(who, items, [.. actions]), number);

    private static AccessRule ReadRule(RuleDto? rule, int number)
    {
        if (rule is null)
        {
            throw new AccessPolicyFormatException($"Rule {number} is null.");
        }

        if (!Subject.TryParse(rule.Who, out var who, out var whoError))
        {
            throw new AccessPolicyFormatException($"Rule {number}: {whoError}");
        }

        if (!ItemPattern.TryParse(rule.Items, out var items, out var itemsError))
        {
            throw new AccessPolicyFormatException($"Rule {number}: {itemsError}");
        }

        if (rule.Actions is not { Count: > 0 })
        {
            throw new AccessPolicyFormatException($"Rule {number} allows no action: give one or more of {string.Join(", ", JenkinsActions.All.Select(a => a.Name()))}.");
        }

        var actions = new List<JenkinsAction>();
        foreach (var name in rule.Actions)
        {
            if (!JenkinsActions.TryParse(name, out var action))
            {
                throw new AccessPolicyFormatException($"Rule {number}: '{name}' is not an action; the actions are {string.Join(", ", JenkinsActions.All.Select(a => a.Name()))}.");
            }

            actions.Add(action);
        }

        return new AccessRule(who!, items!, actions);
    }

    private sealed record DocumentDto([property: JsonPropertyName("rules")] List<RuleDto?>? Rules);

    private sealed record RuleDto(
        [property: JsonPropertyName("who")] string? Who,
        [property: JsonPropertyName("items")] string? Items,
        [property: JsonPropertyName("actions")] List<string?>? Actions);
}

/// <summary>A policy document that cannot be read; its message says where and why.</summary>
public sealed class AccessPolicyFormatException : Exception
{
    public AccessPolicyFormatException(string message)
        : base(message)
    {
    }

    public AccessPolicyFormatException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public AccessPolicyFormatException()
    {
    }

    /// <summary>The version of a stored document that cannot be read, when known: what replacing it must expect.</summary>
    public long? StoredVersion { get; init; }
}
