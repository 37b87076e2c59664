using static McpAspire.McpJenkinsServer.Tools.ToolArguments;

namespace McpAspire.McpJenkinsServer.Tools;

/// <summary>Builds: history and details.</summary>
[McpServerToolType]
public sealed class BuildTools(JenkinsClient jenkins)
{
    internal const string DetailTree =
        "_class,number,url,result,building,duration,estimatedDuration,timestamp,queueId,displayName,fullDisplayName,description,builtOn," +
        "actions[_class,parameters[name,value],causes[shortDescription,userId,userName,upstreamProject,upstreamBuild]]," +
        "changeSet[kind,items[commitId,msg,author[fullName],timestamp,affectedPaths]]," +
        "changeSets[kind,items[commitId,msg,author[fullName],timestamp,affectedPaths]]," +
        "artifacts[fileName,relativePath]";

    [McpServerTool(Name = "list_builds", Title = "List builds of a job", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false, UseStructuredContent = true)]
    [Description("Lists a job's builds, newest first, with result, start time and duration; paged.")]
    public async Task<BuildListPage> ListBuilds(
        [Description(JobDescription)] string job,
        [Description("Number of builds to skip, newest first (for paging).")] int offset = 0,
        [Description("Maximum number of builds to return, 1-100.")] int limit = 20,
        CancellationToken cancellationToken = default)
    {
        var fullName = JobName(job);
        InRange(offset, 0, 100_000, nameof(offset));
        InRange(limit, 1, 100, nameof(limit));

        // allBuilds with a range reaches past the newest 100 that `builds` holds; one extra tells whether a next page exists.
        var dto = await jenkins.GetItemAsync(fullName, $"fullName,allBuilds[{JenkinsClient.BuildSummaryTree}]{{{offset},{offset + limit + 1}}}", cancellationToken);
        var builds = (dto.AllBuilds ?? []).Select(JenkinsMapper.ToSummary).ToList();
        int? next = builds.Count > limit ? offset + limit : null;
        return new BuildListPage(dto.FullName ?? fullName, builds.Take(limit).ToList(), offset, next);
    }

    [McpServerTool(Name = "get_build", Title = "Get a build", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false, UseStructuredContent = true)]
    [Description("Describes one build: result (null while running), start time, duration and estimate, the node it ran on, its parameters, causes (who or what started it), SCM changes and artifacts.")]
    public async Task<BuildDetail> GetBuild(
        [Description(JobDescription)] string job,
        [Description(BuildDescription)] string build = "lastBuild",
        CancellationToken cancellationToken = default)
    {
        var fullName = JobName(job);
        var dto = await jenkins.GetBuildAsync(fullName, Required(build, nameof(build)), DetailTree, cancellationToken);
        return JenkinsMapper.ToDetail(dto, fullName);
    }
}
