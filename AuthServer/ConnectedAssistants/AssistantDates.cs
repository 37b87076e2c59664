namespace McpAspire.AuthServer.ConnectedAssistants;

/// <summary>Dates as the pages show them: UTC to the minute, the same for every reader (no script to localise them).</summary>
public static class AssistantDates
{
    public static string Show(DateTimeOffset? date)
        => date is { } value ? value.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) : "never";

    /// <summary>The machine-readable form for a <c>&lt;time datetime&gt;</c> attribute.</summary>
    public static string Iso(DateTimeOffset? date)
        => date is { } value ? value.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) : "";
}
