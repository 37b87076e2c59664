using McpAspire.McpJenkinsServer.Model.Jenkins;
using static McpAspire.McpJenkinsServer.Tools.ToolArguments;

namespace McpAspire.McpJenkinsServer.Tools;

/// <summary>Jobs and folders. Lists show only what the caller may see (<see cref="JenkinsAccess"/>).</summary>
[McpServerToolType]
public sealed class JobTools(JenkinsClient jenkins, JenkinsAccess? access = null)
{
    private readonly JenkinsAccess _access = access ?? JenkinsAccess.Unrestricted;

    private const string SummaryTree = "_class,name,fullName,url,color,description,buildable,lastBuild[" + JenkinsClient.BuildSummaryTree + "]";
    private const int MaxRecursiveItems = 20_000;

    /// <summary>Folder levels one recursive request asks for (<c>jobs[…,jobs[…,jobs[…]]]</c>).</summary>
    private const int NestedLevels = 4;

    [McpServerTool(Name = "list_jobs", Title = "List Jenkins jobs", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false, UseStructuredContent = true)]
    [Description("Lists jobs and folders in Jenkins or in one folder, optionally through all sub-folders, filtered by name and paged. Returns full names to pass to the other tools.")]
    public async Task<JobListPage> ListJobs(
        [Description("Folder to list, e.g. 'team' or 'team/app'; empty for the Jenkins root.")] string? folder = null,
        [Description("Only items whose full name contains this text (case-insensitive).")] string? filter = null,
        [Description("Also list the contents of sub-folders, depth first (up to 20000 items).")] bool recursive = false,
        [Description("Number of matching items to skip (for paging).")] int offset = 0,
        [Description("Maximum number of items to return, 1-500.")] int limit = 50,
        CancellationToken cancellationToken = default)
    {
        InRange(offset, 0, int.MaxValue, nameof(offset));
        InRange(limit, 1, 500, nameof(limit));
        var root = JenkinsPaths.Normalize(folder);

        // One request fetches NestedLevels levels of folders at once (Jenkins walks them in memory), so a recursive
        // page of 5,000 jobs in nested folders costs one request instead of one per folder; only folders deeper
        // than that are fetched on their own.
        var items = new List<JobSummary>();
        var pending = new Stack<string>([root]);
        var tree = recursive ? NestedTree(NestedLevels) : SummaryTree;
        while (pending.TryPop(out var current) && items.Count < MaxRecursiveItems)
        {
            var children = await jenkins.GetChildrenAsync(current, tree, cancellationToken);
            var deeper = new List<string>();
            Flatten(children, current, recursive, items, deeper, _access);

            // Push in reverse so folders are visited in Jenkins' order.
            for (var i = deeper.Count - 1; i >= 0; i--)
            {
                pending.Push(deeper[i]);
            }
        }

        var matching = string.IsNullOrWhiteSpace(filter)
            ? items
            : [.. items.Where(j => j.FullName.Contains(filter.Trim(), StringComparison.OrdinalIgnoreCase))];
        var page = matching.Skip(offset).Take(limit).ToList();
        int? next = offset + page.Count < matching.Count ? offset + page.Count : null;
        return new JobListPage(root, page, matching.Count, offset, next);
    }

    private static string NestedTree(int levels) => levels <= 1 ? SummaryTree : $"{SummaryTree},jobs[{NestedTree(levels - 1)}]";

    /// <summary>
    /// Depth first, in Jenkins' order: each item, then what its folder holds when the answer nested it; a folder whose
    /// children were beyond the nested levels goes to <paramref name="deeper"/>, to be fetched on its own.
    /// Items the caller may not see are left out as they stream past, with all they hold (never collected and filtered after).
    /// </summary>
    private static void Flatten(IReadOnlyList<JobDto> children, string parent, bool recursive, List<JobSummary> items, List<string> deeper, JenkinsAccess access)
    {
        foreach (var child in children)
        {
            var summary = JenkinsMapper.ToSummary(child, parent);
            if (!access.ReadsEverything && !access.CanSee(summary.FullName))
            {
                access.Hid(1);
                continue;
            }

            items.Add(summary);
            if (!recursive || !JenkinsMapper.IsFolder(child))
            {
                continue;
            }

            if (child.Jobs is { } nested)
            {
                Flatten(nested, summary.FullName, recursive, items, deeper, access);
            }
            else
            {
                deeper.Add(summary.FullName);
            }
        }
    }

    [McpServerTool(Name = "get_job", Title = "Get a Jenkins job", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false, UseStructuredContent = true)]
    [Description("Describes one job: kind, status, health, whether it is disabled or queued, its build parameters (names, types, defaults, choices) and its most recent builds.")]
    public async Task<JobDetail> GetJob(
        [Description(JobDescription)] string job,
        [Description("How many recent builds to include, 0-100.")] int builds = 10,
        CancellationToken cancellationToken = default)
    {
        var fullName = JobName(job);
        InRange(builds, 0, 100, nameof(builds));
        var tree = "_class,name,fullName,displayName,url,description,color,buildable,disabled,inQueue,nextBuildNumber," +
                   "healthReport[description,score]," +
                   "property[_class,parameterDefinitions[name,type,description,defaultParameterValue[value],choices]]," +
                   $"builds[{JenkinsClient.BuildSummaryTree}]{{0,{builds}}}," +
                   "lastBuild[number],lastCompletedBuild[number],lastSuccessfulBuild[number],lastFailedBuild[number],jobs[name,fullName]";
        JobDto dto = await jenkins.GetItemAsync(fullName, tree, cancellationToken);
        var detail = JenkinsMapper.ToDetail(dto, fullName);
        if (!_access.ReadsEverything)
        {
            // A folder's children are a list too: the caller sees only those they may see.
            detail = detail with { Children = [.. detail.Children.Where(_access.CanSee)] };
        }

        return builds == 0 ? detail with { RecentBuilds = [] } : detail;
    }
}
