using McpAspire.JenkinsMock.Model;

namespace McpAspire.JenkinsMock.Apis;

/// <summary>Finds items by their path of names from the root, through folders.</summary>
public static class ItemResolver
{
    public static Item? Resolve(JenkinsRoot root, IReadOnlyList<string> names)
    {
        IItemGroup group = root;
        Item? item = null;
        for (var index = 0; index < names.Count; index++)
        {
            item = group.Items.Find(candidate => candidate.Name == names[index]);
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
