using McpAspire.AccessPolicy.JenkinsIdentity;

namespace McpAspire.AuthServer.JenkinsIdentity;

/// <summary>What a link attempt came to: the verdict, and the stored identity when it was linked.</summary>
public sealed record LinkOutcome(CredentialVerdict Verdict, string? ReportedUser, LinkedJenkinsIdentity? Linked);

/// <summary>
/// Linking and unlinking a user's own Jenkins identity: the page's logic, and the user administration's (disabling a user
/// or resetting their password unlinks it). A link is stored only after Jenkins authenticated the user id and API token as
/// exactly that user id; the token is then kept only encrypted (<see cref="JenkinsTokenProtector"/>). Logs name the
/// subject and the Jenkins user id, never the token.
/// </summary>
public sealed partial class JenkinsIdentityLinks(
    IJenkinsIdentityStore store, JenkinsTokenProtector protector, JenkinsCredentialCheck check, TimeProvider time, ILogger<JenkinsIdentityLinks> logger)
{
    public Task<LinkedJenkinsIdentity?> FindAsync(string subject, CancellationToken cancellationToken) => store.FindAsync(subject, cancellationToken);

    public async Task<LinkOutcome> LinkAsync(string subject, string jenkinsUser, string apiToken, CancellationToken cancellationToken)
    {
        var result = await check.CheckAsync(jenkinsUser, apiToken, cancellationToken);
        var safeUser = LogText.Safe(jenkinsUser);
        if (result.Verdict != CredentialVerdict.Valid)
        {
            LogRefused(logger, subject, safeUser, result.Verdict);
            return new LinkOutcome(result.Verdict, result.ReportedUser, null);
        }

        var identity = new LinkedJenkinsIdentity(subject, jenkinsUser, protector.Protect(subject, jenkinsUser, apiToken), time.GetUtcNow());
        await store.SaveAsync(identity, cancellationToken);
        LogLinked(logger, subject, safeUser);
        return new LinkOutcome(CredentialVerdict.Valid, jenkinsUser, identity);
    }

    /// <summary>Removes the subject's link, if any; <paramref name="reason"/> goes into the log ("by the user", "user disabled", …).</summary>
    public async Task<bool> UnlinkAsync(string subject, string reason, CancellationToken cancellationToken)
    {
        var removed = await store.RemoveAsync(subject, cancellationToken);
        if (removed)
        {
            LogUnlinked(logger, subject, reason);
        }

        return removed;
    }

    [LoggerMessage(EventId = 3100, Level = LogLevel.Information, Message = "User {Subject} linked the Jenkins identity {JenkinsUser}; their tool calls now run as it.")]
    private static partial void LogLinked(ILogger logger, string subject, string jenkinsUser);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "User {Subject} could not link the Jenkins identity {JenkinsUser}: {Verdict}.")]
    private static partial void LogRefused(ILogger logger, string subject, string jenkinsUser, CredentialVerdict verdict);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "The linked Jenkins identity of user {Subject} was removed ({Reason}); their tool calls run as the server's Jenkins account again.")]
    private static partial void LogUnlinked(ILogger logger, string subject, string reason);
}
