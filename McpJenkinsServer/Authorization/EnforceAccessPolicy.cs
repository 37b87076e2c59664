using System.Security.Claims;
using Amazon.Runtime;
using System.Security.Cryptography;

namespace McpAspire.McpJenkinsServer.Authorization;

/// <summary>
/// Where the Jenkins access policy is applied to a tool call, as a call-tool filter inside the scope check
/// (<see cref="RequireToolScope"/>: scopes gate first, the policy narrows further) and inside the audit. It reads the
/// policy once per call (one strongly consistent DynamoDB GetItem: an administrator's change applies to the next call on
/// every replica, with no cache to wait out), applies it to the caller in the request's <see cref="JenkinsAccess"/>, and
/// refuses a write action on a job the caller may read but not act on before the tool runs. Reading is enforced where
/// Jenkins is called (<see cref="JenkinsClient"/>) and where lists are built, from the same <see cref="JenkinsAccess"/>.
/// A policy that cannot be read or understood fails the call: never open.
/// </summary>
/// <remarks>
/// The same read brings the caller's linked Jenkins identity when they are a user (one <c>BatchGetItem</c> of the policy
/// and their identity item, strongly consistent, so an unlink applies to the next call): their token is decrypted here and
/// every Jenkins request of the call runs as them (<see cref="JenkinsAccess.RunsAs"/>). A token that cannot be decrypted
/// fails the call; it never falls back to the server's account.
/// </remarks>
public sealed partial class EnforceAccessPolicy(
    IAccessPolicyStore store, ILogger<EnforceAccessPolicy> logger, JenkinsTokenProtector? protector = null, IOptions<JenkinsOptions>? jenkins = null)
{
    /// <summary>Where users link their Jenkins identity, as tool errors name it when the AppHost did not say (<c>Jenkins:LinkPageUrl</c>).</summary>
    public const string DefaultLinkPage = "the authorization server's page /account/jenkins";

    private readonly string _linkPage = jenkins?.Value.LinkPageUrl?.AbsoluteUri ?? DefaultLinkPage;

    /// <summary>The claim the auth server puts a user's groups in (one claim per group once introspected).</summary>
    public const string GroupsClaim = "groups";

    public async ValueTask<CallToolResult> InvokeAsync(
        McpRequestHandler<CallToolRequestParams, CallToolResult> next,
        RequestContext<CallToolRequestParams> context,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(context);
        var tool = context.Params?.Name ?? "";
        if (ToolAccessMap.For(tool) is not { } needs)
        {
            // An unknown name is the SDK's to answer ("unknown tool"); a registered tool without a mapping is refused.
            if (context.Server.ServerOptions.ToolCollection?.TryGetPrimitive(tool, out _) == true)
            {
                throw new McpException($"The tool '{tool}' has no access rule mapping; it is refused until it has one.");
            }

            return await next(context, cancellationToken);
        }

        var access = context.Services!.GetRequiredService<JenkinsAccess>();
        var (policy, linked) = await ReadPolicyAsync(UserSubjectOf(context.User), cancellationToken);
        access.Apply(new AccessDecider(policy, CallerOf(context.User)));
        if (linked is not null)
        {
            access.RunAs(CredentialOf(linked));
        }

        // A write action on the named job: refused here, naming the action, when the caller may read the job. When they
        // may not read it, the tool runs on and its first request about the job answers "not found", word for word as
        // for a job that does not exist, so a refusal never confirms that a hidden job exists.
        if (needs is { Target: ToolTarget.Job, Action: { } action } && action != JenkinsAction.Read
            && JobArgument(context.Params?.Arguments) is { } job && access.CanRead(job))
        {
            access.Require(action, job);
        }

        return await next(context, cancellationToken);
    }

    /// <summary>The caller from the introspected token: a user's name and groups; a machine client has neither.</summary>
    public static AccessCaller CallerOf(ClaimsPrincipal? principal)
    {
        if (principal is null)
        {
            return AccessCaller.Anonymous;
        }

        var userName = UserSubjectOf(principal) is null
            ? null
            : principal.GetClaim(OpenIddictConstants.Claims.Username)
              ?? principal.GetClaim(OpenIddictConstants.Claims.PreferredUsername)
              ?? principal.GetClaim(OpenIddictConstants.Claims.Name);
        var groups = principal.FindAll(GroupsClaim).Select(claim => claim.Value).Where(group => group.Length > 0)
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return new AccessCaller(string.IsNullOrWhiteSpace(userName) ? null : userName, groups);
    }

    /// <summary>
    /// The user's subject, or null for a machine client: a client-credentials token's subject is the client itself, whose
    /// display name must never pass for a user's, and which has no linked Jenkins identity (it runs as the server's account).
    /// </summary>
    public static string? UserSubjectOf(ClaimsPrincipal? principal)
    {
        var subject = principal?.GetClaim(OpenIddictConstants.Claims.Subject);
        var isMachine = subject is not null && string.Equals(subject, principal!.GetClaim(OpenIddictConstants.Claims.ClientId), StringComparison.Ordinal);
        return isMachine || string.IsNullOrEmpty(subject) ? null : subject;
    }

    /// <summary>The policy, and the user's linked identity in the same round trip (a machine client's call reads the policy only).</summary>
    private async Task<(AccessPolicyDocument Policy, LinkedJenkinsIdentity? Identity)> ReadPolicyAsync(string? userSubject, CancellationToken cancellationToken)
    {
        try
        {
            return userSubject is null ? (await store.ReadAsync(cancellationToken), null) : await store.ReadWithIdentityAsync(userSubject, cancellationToken);
        }
        catch (AccessPolicyFormatException exception)
        {
            LogMalformedPolicy(logger, exception.Message);
            throw new AccessPolicyUnavailableException();
        }
        catch (Exception exception) when (exception is AmazonServiceException or AmazonClientException or HttpRequestException
                                             || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LogUnreadablePolicy(logger, exception.GetType().Name, exception.Message);
            throw new AccessPolicyUnavailableException();
        }
    }

    /// <summary>The linked identity's credentials for this call; a token that cannot be decrypted refuses the call.</summary>
    private LinkedJenkinsCredential CredentialOf(LinkedJenkinsIdentity linked)
    {
        try
        {
            var token = protector?.Unprotect(linked) ?? throw new CryptographicException("This server has no key ring for linked Jenkins tokens.");
            return new LinkedJenkinsCredential(linked.JenkinsUser, token, _linkPage);
        }
        catch (CryptographicException exception)
        {
            LogUndecryptableToken(logger, LogText.Safe(linked.Subject), LogText.Safe(linked.JenkinsUser), exception.GetType().Name);
            throw new McpException(
                $"Your linked Jenkins identity '{linked.JenkinsUser}' cannot be used: its stored API token cannot be decrypted. Link it again at " +
                $"{_linkPage} (or unlink it there to run as the server's Jenkins account). Your calls are refused until then.");
        }
    }

    /// <summary>The normalized <c>job</c> argument, or null when absent or malformed (the tool then refuses it itself).</summary>
    private static string? JobArgument(IDictionary<string, JsonElement>? arguments)
    {
        if (arguments?.TryGetValue("job", out var value) != true || value.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        try
        {
            var job = JenkinsPaths.Normalize(value.GetString());
            return job.Length == 0 ? null : job;
        }
        catch (McpProtocolException)
        {
            return null;
        }
    }

    [LoggerMessage(EventId = 1100, Level = LogLevel.Error,
        Message = "The Jenkins access policy stored in DynamoDB is malformed ({Problem}); every tool call is refused until an administrator saves a valid one.")]
    private static partial void LogMalformedPolicy(ILogger logger, string problem);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Error,
        Message = "The linked Jenkins token of user {Subject} (Jenkins user {JenkinsUser}) cannot be decrypted ({ExceptionType}): the key ring lacks its key or the item was altered; the tool call is refused.")]
    private static partial void LogUndecryptableToken(ILogger logger, string subject, string jenkinsUser, string exceptionType);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Error,
        Message = "The Jenkins access policy could not be read from DynamoDB ({ExceptionType}: {Reason}); the tool call is refused.")]
    private static partial void LogUnreadablePolicy(ILogger logger, string exceptionType, string reason);
}
