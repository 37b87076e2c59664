namespace McpAspire.JenkinsMock.Apis;

/// <summary>Finds items by their path of names from the root, through folders, as the requesting user may see them.</summary>
public static class ItemResolver
{
    /// <summary>
    /// Jenkins.getItem / AbstractFolder.getItem at every step: an item the user may not read is missing (404), unless
    /// the user may discover it, then access is denied (403, "missing the Job/Read permission").
    /// </summary>
    public static Item? Resolve(JenkinsRoot root, IReadOnlyList<string> names, JenkinsIdentity viewer)
    {
        IItemGroup group = root;
        Item? item = null;
        for (var index = 0; index < names.Count; index++)
        {
            item = group.Items.Find(candidate => candidate.Name == names[index]);
            if (item is not null && !viewer.Permissions.Has(PermissionKind.JobRead, item))
            {
                if (viewer.Permissions.Has(PermissionKind.JobDiscover, item))
                {
                    throw new JenkinsAccessDeniedException(viewer.Name, PermissionKind.JobRead);
                }

                return null;
            }

            if (item is Folder folder)
            {
                group = folder;
            }
            else if (item is null || index < names.Count - 1)
            {
                return null;
            }
        }

        return item;
    }
}
