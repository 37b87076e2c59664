namespace McpAspire.McpJenkinsServer.Services;

/// <summary>What went wrong talking to Jenkins, in words a model can act on.</summary>
public enum JenkinsError
{
    NotFound,
    Disabled,
    NotParameterized,
    Rejected,
    CredentialsRejected,
    PermissionDenied,
    Unreachable,
    Unexpected,
}

/// <summary>
/// A Jenkins failure. It derives from <see cref="McpException"/> so the MCP SDK turns it into a tool error
/// result (<c>isError: true</c>) carrying this message, rather than a protocol error or a stack trace.
/// </summary>
public sealed class JenkinsException : McpException
{
    public JenkinsException(JenkinsError error, string message, Exception? inner = null)
        : base(message, inner!)
    {
        Error = error;
    }

    public JenkinsError Error { get; }
}
