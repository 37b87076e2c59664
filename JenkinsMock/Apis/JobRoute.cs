namespace McpAspire.JenkinsMock.Apis;

/// <summary>
/// A URL below <c>/job/</c> split into the item path (<c>a/job/b</c> → [a, b]) and what follows
/// (<c>api/json</c>, <c>build</c>, <c>5/consoleText</c>, ...). Jenkins resolves such URLs object by
/// object (Stapler); a route template cannot express the nesting, so it is parsed here by hand.
/// </summary>
public sealed record JobRoute(IReadOnlyList<string> ItemNames, IReadOnlyList<string> Rest)
{
    public static JobRoute Parse(string path)
    {
        var segments = path.Split('/').ToList();
        while (segments.Count > 0 && segments[^1].Length == 0)
        {
            segments.RemoveAt(segments.Count - 1);
        }

        var names = new List<string>();
        if (segments.Count > 0)
        {
            names.Add(segments[0]);
        }

        var position = 1;
        while (position + 1 < segments.Count && segments[position] == "job")
        {
            names.Add(segments[position + 1]);
            position += 2;
        }

        return new JobRoute(names, segments.Skip(position).ToList());
    }

    public bool RestIs(params string[] expected) => Rest.SequenceEqual(expected, StringComparer.Ordinal);
}
