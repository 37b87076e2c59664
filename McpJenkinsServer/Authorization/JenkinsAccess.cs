namespace McpAspire.McpJenkinsServer.Authorization;

/// <summary>
/// What the caller of the current tool call may do in Jenkins: the access policy read for this call
/// (<see cref="EnforceAccessPolicy"/> decides it before the tool runs) applied to the caller. One per request scope,
/// consulted by <see cref="JenkinsClient"/> before any request about a job (so an item the caller may not read answers
/// exactly as one that does not exist, in every tool) and by the tools that list items (so lists leave out what the
/// caller may not read). A scope nobody decided refuses everything: a path that forgets the policy fails closed.
/// </summary>
public sealed class JenkinsAccess
{
    private AccessDecider? _decider;
    private bool _actsAsServer;
    private int _hidden;

    /// <summary>No restriction: the server's own work (following builds it started) and tools built directly in tests.</summary>
    public static JenkinsAccess Unrestricted
    {
        get
        {
            var access = new JenkinsAccess();
            access.ActAsServer();
            return access;
        }
    }

    /// <summary>
    /// The decision that mattered for this call, for the audit line: the action checked, or how much a list hid; and, for a
    /// user with a linked Jenkins identity, the Jenkins user id the call ran as (never the token).
    /// </summary>
    public string AuditText => (RunsAs is { } linked ? $"Jenkins as linked user '{linked.User}'; " : "")
        + (_decision?.Describe() is { } decision
            ? (_hidden > 0 ? $"{decision}; {_hidden} hidden" : decision)
            : _hidden > 0 ? $"{_hidden} item(s) hidden" : _decider is not null ? "policy applied" : "unrestricted");

    /// <summary>
    /// The caller's own Jenkins credentials (<see cref="EnforceAccessPolicy"/> sets them when the user linked an identity):
    /// every Jenkins request of this call then authenticates as them, never as the server's account. Null: the server's
    /// account (no link, a machine client, the server's own work).
    /// </summary>
    public LinkedJenkinsCredential? RunsAs { get; private set; }

    /// <summary>Makes this call's Jenkins requests run as the caller's linked identity (once, by <see cref="EnforceAccessPolicy"/>).</summary>
    public void RunAs(LinkedJenkinsCredential credential)
    {
        ArgumentNullException.ThrowIfNull(credential);
        RunsAs = credential;
    }

    private AccessDecision? _decision;

    public AccessDecider? Decider => _decider;

    /// <summary>Applies the policy to this call (once, by <see cref="EnforceAccessPolicy"/>).</summary>
    public void Apply(AccessDecider decider)
    {
        ArgumentNullException.ThrowIfNull(decider);
        _decider = decider;
    }

    /// <summary>This scope works for the server itself, not for a caller (a background service's own scope).</summary>
    public void ActAsServer() => _actsAsServer = true;

    public bool CanRead(string? fullName) => _actsAsServer || Decided().CanRead(fullName);

    /// <summary>Shown in lists and listable: readable, or a folder on the way to readable items.</summary>
    public bool CanSee(string fullName) => _actsAsServer || Decided().CanSee(fullName);

    /// <summary>True when nothing needs filtering (a rule grants read on everything, or the server's own work).</summary>
    public bool ReadsEverything => _actsAsServer || Decided().ReadsEverything;

    /// <summary>Counts items a list left out, for the audit line (never which ones).</summary>
    public void Hid(int count) => _hidden += count;

    /// <summary>
    /// Throws the exact error Jenkins' 404 gives for <paramref name="what"/> unless the caller may read the item: to the
    /// caller an item they may not read does not exist (no existence oracle).
    /// </summary>
    public void EnsureReadable(string? fullName, string what)
    {
        if (!CanRead(fullName))
        {
            _decision ??= Decided().Decide(JenkinsAction.Read, fullName);
            throw new JenkinsException(JenkinsError.NotFound, JenkinsClient.NotFoundMessage(what));
        }
    }

    /// <summary>Like <see cref="EnsureReadable"/> for a folder to list into: folders on the way to readable items count.</summary>
    public void EnsureVisible(string folder, string what)
    {
        if (!CanSee(folder))
        {
            throw new JenkinsException(JenkinsError.NotFound, JenkinsClient.NotFoundMessage(what));
        }
    }

    /// <summary>
    /// Refuses <paramref name="action"/> on an item the caller may read but no rule lets them act on, naming the action,
    /// the item and the caller's groups (never other people's rules). The decision goes into the audit line.
    /// </summary>
    public AccessDecision Require(JenkinsAction action, string? fullName)
    {
        if (_actsAsServer)
        {
            return new AccessDecision(action, fullName, null, null);
        }

        var decision = Decided().Decide(action, fullName);
        _decision = decision;
        return decision.Allowed ? decision : throw new JenkinsAccessDeniedException(decision, Decided().Caller);
    }

    private AccessDecider Decided()
        => _decider ?? throw new InvalidOperationException("The Jenkins access policy was not applied to this call; nothing is allowed without it.");
}

/// <summary>
/// A user's linked Jenkins identity for one call: the user id, the API token in clear (kept in this request's scope only,
/// never logged: <see cref="ToString"/> leaves it out) and the page where the user links a new one.
/// </summary>
public sealed class LinkedJenkinsCredential(string user, string apiToken, string linkPage)
{
    public string User { get; } = user;

    public string LinkPage { get; } = linkPage;

    /// <summary>The HTTP Basic value (<c>user:token</c>, UTF-8, base64) for this call's Jenkins requests.</summary>
    public System.Net.Http.Headers.AuthenticationHeaderValue Authorization { get; } = JenkinsBasicAuthentication.Header(user, apiToken);

    public override string ToString() => $"linked Jenkins user '{User}'";
}

/// <summary>
/// An action the policy does not grant: a tool error (<c>isError</c>, not a JSON-RPC error) the model can read and pass
/// on. Audited as "denied".
/// </summary>
public sealed class JenkinsAccessDeniedException(AccessDecision decision, AccessCaller caller)
    : McpException(Compose(decision, caller))
{
    public AccessDecision Decision { get; } = decision;

    private static string Compose(AccessDecision decision, AccessCaller caller)
    {
        var who = caller.UserName is null ? "this client" : $"user '{caller.UserName}'";
        var groups = caller.Groups.Count == 0 ? "no groups" : $"groups: {string.Join(", ", caller.Groups)}";
        return $"Refused by the Jenkins access policy: no rule grants {decision.Action.Name()} on '{decision.Item}' to {who} ({groups}). " +
               "Ask an administrator of the MCP server's authorization server to grant it.";
    }
}

/// <summary>The policy could not be read or understood: every tool call fails (closed) until it can be; the log says why.</summary>
public sealed class AccessPolicyUnavailableException()
    : McpException("The Jenkins access policy cannot be read right now, so no Jenkins tool may run. Try again later; the administrators are told in the server's log.");
