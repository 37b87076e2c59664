using Amazon.DynamoDBv2.Model;

namespace McpAspire.AccessPolicy.JenkinsIdentity;

/// <summary>
/// A user's own Jenkins identity, linked on the auth server's page <c>/account/jenkins</c>: their Jenkins user id and API
/// token, the token encrypted by <see cref="JenkinsTokenProtector"/> (never stored, logged or shown in clear). When a
/// user has one, the MCP server calls Jenkins as them for every tool call they make.
/// </summary>
/// <param name="Subject">The McpAspire user (the tokens' <c>sub</c>) it belongs to: the item's key.</param>
/// <param name="JenkinsUser">The user id exactly as Jenkins reported it when the link was verified.</param>
/// <param name="ProtectedApiToken">The API token, protected for this subject and Jenkins user only.</param>
public sealed record LinkedJenkinsIdentity(string Subject, string JenkinsUser, string ProtectedApiToken, DateTimeOffset LinkedAt)
{
    internal Dictionary<string, AttributeValue> ToItem() => new()
    {
        [JenkinsIdentityTable.Subject] = new AttributeValue { S = Subject },
        [JenkinsIdentityTable.JenkinsUser] = new AttributeValue { S = JenkinsUser },
        [JenkinsIdentityTable.ProtectedApiToken] = new AttributeValue { S = ProtectedApiToken },
        [JenkinsIdentityTable.LinkedAt] = new AttributeValue { S = LinkedAt.ToString("O", CultureInfo.InvariantCulture) },
    };

    /// <summary>The identity in a stored item, or null for no item.</summary>
    /// <exception cref="AccessPolicyFormatException">The item exists but is not a linked identity.</exception>
    internal static LinkedJenkinsIdentity? FromItem(Dictionary<string, AttributeValue>? item)
    {
        if (item is not { Count: > 0 })
        {
            return null;
        }

        string Required(string name) => item.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value.S)
            ? value.S
            : throw new AccessPolicyFormatException($"A linked Jenkins identity item has no '{name}'.");

        return new LinkedJenkinsIdentity(
            Required(JenkinsIdentityTable.Subject),
            Required(JenkinsIdentityTable.JenkinsUser),
            Required(JenkinsIdentityTable.ProtectedApiToken),
            DateTimeOffset.TryParse(Required(JenkinsIdentityTable.LinkedAt), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at) ? at : DateTimeOffset.MinValue);
    }
}

/// <summary>
/// The linked identities' table (partition key <see cref="Subject"/>, one item per user who linked, no index, no TTL) and
/// the table of the key ring that protects their tokens. The auth server creates both with its other tables.
/// </summary>
public static class JenkinsIdentityTable
{
    public const string Subject = "subject";
    public const string JenkinsUser = "jenkins_user";
    public const string ProtectedApiToken = "protected_api_token";
    public const string LinkedAt = "linked_at";

    /// <summary>The partition of <see cref="KeysName"/> the ring's keys are kept in.</summary>
    public const string KeyRingPartition = "jenkins-identities";

    /// <summary><c>&lt;prefix&gt;-jenkins-identities</c>.</summary>
    public static string Name(string prefix)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        return $"{prefix}-jenkins-identities";
    }

    /// <summary>
    /// <c>&lt;prefix&gt;-jenkins-identity-keys</c>: the Data Protection keys of <see cref="JenkinsTokenProtector"/>'s ring, apart
    /// from the auth server's own ring, so the MCP server's identity is granted this table and never that one.
    /// </summary>
    public static string KeysName(string prefix)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        return $"{prefix}-jenkins-identity-keys";
    }
}
