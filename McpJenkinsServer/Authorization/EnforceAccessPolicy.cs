using System.Security.Claims;
using System.Text.Json;
using Amazon.Runtime;
using McpAspire.AccessPolicy;
using McpAspire.McpJenkinsServer.Services;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using OpenIddict.Abstractions;

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
public sealed partial class EnforceAccessPolicy(IAccessPolicyStore store, ILogger<EnforceAccessPolicy> logger)
{
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
        access.Apply(new AccessDecider(await ReadPolicyAsync(cancellationToken), CallerOf(context.User)));

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

        var subject = principal.GetClaim(OpenIddictConstants.Claims.Subject);
        var clientId = principal.GetClaim(OpenIddictConstants.Claims.ClientId);
        // A client-credentials token's subject is the client itself: its display name must never pass for a user's.
        var isMachine = subject is not null && string.Equals(subject, clientId, StringComparison.Ordinal);
        var userName = isMachine
            ? null
            : principal.GetClaim(OpenIddictConstants.Claims.Username)
              ?? principal.GetClaim(OpenIddictConstants.Claims.PreferredUsername)
              ?? principal.GetClaim(OpenIddictConstants.Claims.Name);
        var groups = principal.FindAll(GroupsClaim).Select(claim => claim.Value).Where(group => group.Length > 0)
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return new AccessCaller(string.IsNullOrWhiteSpace(userName) ? null : userName, groups);
    }

    private async Task<AccessPolicyDocument> ReadPolicyAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await store.ReadAsync(cancellationToken);
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

    [LoggerMessage(EventId = 1101, Level = LogLevel.Error,
        Message = "The Jenkins access policy could not be read from DynamoDB ({ExceptionType}: {Reason}); the tool call is refused.")]
    private static partial void LogUnreadablePolicy(ILogger logger, string exceptionType, string reason);
}
