namespace McpAspire.JenkinsMock.Security;

/// <summary>
/// hudson.security.AccessDeniedException3, thrown where Jenkins calls checkPermission; answered 403 by
/// <see cref="JenkinsSecurityMiddleware"/> as hudson.security.AccessDeniedHandlerImpl does.
/// </summary>
public sealed class JenkinsAccessDeniedException(string user, PermissionKind permission)
    : Exception($"{user} is missing the {permission.Name} permission")
{
    public string User { get; } = user;

    public PermissionKind Permission { get; } = permission;
}
