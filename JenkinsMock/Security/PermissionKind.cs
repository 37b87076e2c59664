namespace McpAspire.JenkinsMock.Security;

/// <summary>
/// The Jenkins permissions the mock checks (hudson.security.Permission), by the names the matrix authorization
/// strategy shows ("Job/Build") and the ids Jenkins puts in <c>X-Required-Permission</c> ("hudson.model.Item.Build").
/// </summary>
public sealed record PermissionKind(string Name, string Id)
{
    public static readonly PermissionKind OverallRead = new("Overall/Read", "hudson.model.Hudson.Read");
    public static readonly PermissionKind JobDiscover = new("Job/Discover", "hudson.model.Item.Discover");
    public static readonly PermissionKind JobRead = new("Job/Read", "hudson.model.Item.Read");
    public static readonly PermissionKind JobBuild = new("Job/Build", "hudson.model.Item.Build");
    public static readonly PermissionKind JobCancel = new("Job/Cancel", "hudson.model.Item.Cancel");
    public static readonly PermissionKind RunUpdate = new("Run/Update", "hudson.model.Run.Update");
    public static readonly PermissionKind RunReplay = new("Run/Replay", "hudson.model.Run.Replay");

    public static readonly IReadOnlyList<PermissionKind> All = [OverallRead, JobDiscover, JobRead, JobBuild, JobCancel, RunUpdate, RunReplay];

    public static PermissionKind? Parse(string name) => All.FirstOrDefault(permission => permission.Name.Equals(name.Trim(), StringComparison.OrdinalIgnoreCase));
}
