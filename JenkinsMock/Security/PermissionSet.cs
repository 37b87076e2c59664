namespace McpAspire.JenkinsMock.Security;

/// <summary>
/// What one user may do: Overall/Administer (everything), or a set of permissions, the item ones (Job/*, Run/*)
/// granted on the whole instance or only on some folders and jobs and what is inside them, as the
/// project-based matrix and folder-based authorization strategies allow. Job/Read implies Job/Discover.
/// </summary>
public sealed class PermissionSet
{
    private readonly HashSet<PermissionKind> _granted;
    private readonly IReadOnlyList<string> _itemScopes;

    private PermissionSet(bool administer, IEnumerable<PermissionKind> granted, IReadOnlyList<string> itemScopes)
    {
        IsAdministrator = administer;
        _granted = [.. granted];
        if (_granted.Contains(PermissionKind.JobRead))
        {
            _granted.Add(PermissionKind.JobDiscover);
        }

        _itemScopes = itemScopes;
    }

    public static readonly PermissionSet Administer = new(administer: true, [], []);

    public static readonly PermissionSet None = new(administer: false, [], []);

    public static PermissionSet Of(IEnumerable<PermissionKind> granted, IReadOnlyList<string> itemScopes) => new(administer: false, granted, itemScopes);

    public bool IsAdministrator { get; }

    /// <summary>An instance-wide permission (Overall/Read).</summary>
    public bool Has(PermissionKind permission) => IsAdministrator || _granted.Contains(permission);

    /// <summary>A permission on an item, through its ACL (granted everywhere, or on it or one of its folders).</summary>
    public bool Has(PermissionKind permission, Item item)
        => IsAdministrator || (_granted.Contains(permission) && (_itemScopes.Count == 0 || _itemScopes.Any(scope => Covers(scope, item.FullName))));

    private static bool Covers(string scope, string fullName)
        => fullName.Equals(scope, StringComparison.Ordinal) || fullName.StartsWith(scope.TrimEnd('/') + "/", StringComparison.Ordinal);
}
