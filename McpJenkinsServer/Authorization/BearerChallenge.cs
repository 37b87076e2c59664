namespace McpAspire.McpJenkinsServer.Authorization;

/// <summary>Formats an RFC 6750 <c>WWW-Authenticate: Bearer</c> challenge (quoted-string values, escaped).</summary>
public static class BearerChallenge
{
    public static string Format(IEnumerable<(string Name, string Value)> parameters)
    {
        var header = new StringBuilder("Bearer");
        var first = true;
        foreach (var (name, value) in parameters)
        {
            header.Append(first ? " " : ", ").Append(name).Append("=\"")
                .Append(value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal))
                .Append('"');
            first = false;
        }

        return header.ToString();
    }
}
