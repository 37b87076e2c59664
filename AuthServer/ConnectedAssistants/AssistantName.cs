namespace McpAspire.AuthServer.ConnectedAssistants;

/// <summary>How a client is named to people, the way the consent page names it.</summary>
public static class AssistantName
{
    /// <summary>
    /// A Client ID Metadata Document client is whoever serves that URL, whatever name its document claims: it is shown
    /// by that host. A registered client by its (validated) client_name, else its client id.
    /// </summary>
    public static string Of(string clientId, string? displayName)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        if (Uri.TryCreate(clientId, UriKind.Absolute, out var documentUrl) && documentUrl.Scheme is "https" or "http")
        {
            return documentUrl.Host;
        }

        return string.IsNullOrWhiteSpace(displayName) ? clientId : displayName;
    }
}
