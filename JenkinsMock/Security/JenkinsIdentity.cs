namespace McpAspire.JenkinsMock.Security;

/// <summary>How the current request authenticated.</summary>
public enum AuthenticationKind
{
    Anonymous,

    /// <summary>HTTP Basic with user + API token: stateless, exempt from crumbs.</summary>
    ApiToken,

    /// <summary>A password login (HTTP Basic with the password, or the login form) bound to a web session: needs crumbs on POST.</summary>
    Session,
}

/// <summary>Who the request runs as, and what it may do; set by <see cref="JenkinsSecurityMiddleware"/>.</summary>
public sealed record JenkinsIdentity(string Name, AuthenticationKind Kind, PermissionSet Permissions)
{
    public static readonly JenkinsIdentity Anonymous = new("anonymous", AuthenticationKind.Anonymous, PermissionSet.None);

    public bool IsAnonymous => Kind == AuthenticationKind.Anonymous;

    /// <summary>AccessControlled.checkPermission: throws what Jenkins answers 403.</summary>
    public void Check(PermissionKind permission, Model.Item item)
    {
        if (!Permissions.Has(permission, item))
        {
            throw new JenkinsAccessDeniedException(Name, permission);
        }
    }
}

public static class JenkinsIdentityExtensions
{
    private static readonly object Key = new();

    public static JenkinsIdentity GetJenkinsIdentity(this HttpContext context)
        => context.Items.TryGetValue(Key, out var identity) && identity is JenkinsIdentity found ? found : JenkinsIdentity.Anonymous;

    public static void SetJenkinsIdentity(this HttpContext context, JenkinsIdentity identity) => context.Items[Key] = identity;
}
