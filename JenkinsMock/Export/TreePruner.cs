namespace McpAspire.JenkinsMock.Export;

/// <summary>
/// Decides which properties of an exported object are written, like Stapler's TreePruner:
/// either by depth (<c>?depth=N</c>, visibility against nesting level) or by an explicit
/// <c>?tree=</c> path list. Written by hand: no .NET library speaks Stapler's export model.
/// </summary>
public abstract class TreePruner
{
    /// <summary>The pruner for the property's value, or null when the property is left out.</summary>
    public abstract TreePruner? Accept(Exported exported);

    /// <summary>The slice applied when the accepted property's value is an array.</summary>
    public virtual TreeRange Range => TreeRange.All;

    /// <summary>Jenkins' default: properties with visibility below the level are hidden; the level rises by one per nested object.</summary>
    public static TreePruner ByDepth(int depth) => new DepthPruner(1 - depth);

    public static TreePruner ByTree(TreeSpec tree) => new NamedPathPruner(tree);

    private sealed class DepthPruner(int level) : TreePruner
    {
        private DepthPruner? _next;

        public override TreePruner? Accept(Exported exported)
        {
            if (exported.Visibility < level)
            {
                return null;
            }

            return exported.Inline ? this : _next ??= new DepthPruner(level + 1);
        }
    }

    private sealed class NamedPathPruner(TreeSpec tree) : TreePruner
    {
        public override TreePruner? Accept(Exported exported)
            => tree.Children.TryGetValue(exported.Name, out var child) ? new NamedPathPruner(child) : null;

        public override TreeRange Range => tree.Range;
    }
}
