using McpAspire.JenkinsMock.Model;
using McpAspire.JenkinsMock.Services;
using Microsoft.Extensions.DependencyInjection;

namespace McpAspire.JenkinsMock.Tests.Infrastructure;

/// <summary>
/// Creates a test's own job in the running mock (what an administrator would configure in Jenkins),
/// so tests never depend on each other's builds. Returns the job's URL path.
/// </summary>
public static class TestJobs
{
    public static string CreateFreestyle(JenkinsMockFactory factory, string? outcome = null, bool disabled = false, bool concurrent = false, Action<Job>? configure = null)
        => Create(factory, (name, parent) => new FreeStyleProject(name, parent, Recipe(BuildFlavor.Maven, outcome)) { Disabled = disabled, ConcurrentBuild = concurrent }, configure);

    /// <summary>A freestyle job whose builds run about a minute, so a test can watch, stop or queue behind a running one.</summary>
    public static string CreateSlowFreestyle(JenkinsMockFactory factory)
        => Create(factory, (name, parent) => new FreeStyleProject(name, parent, new BuildRecipe(BuildFlavor.Maven, [BuildResult.Success], LengthFactor: 60)), configure: null);

    /// <summary>A pipeline whose <c>node(agentLabel) {}</c> block needs an agent; <paramref name="slow"/> builds run about a minute.</summary>
    public static string CreatePipeline(JenkinsMockFactory factory, string? outcome = null, Action<Job>? configure = null, string agentLabel = "linux", bool slow = false)
        => Create(factory, (name, parent) => new WorkflowJob(name, parent, new BuildRecipe(BuildFlavor.Node, [outcome ?? BuildResult.Success], slow ? 60 : 1)) { AgentLabel = agentLabel }, configure);

    /// <summary>A pipeline with a string, a boolean and a choice parameter; <paramref name="slow"/> builds run about a minute.</summary>
    public static string CreateParameterized(JenkinsMockFactory factory, bool slow = false)
        => Create(factory, (name, parent) => new WorkflowJob(name, parent, new BuildRecipe(BuildFlavor.Node, [BuildResult.Success], slow ? 60 : 1)), job =>
        {
            job.ParameterDefinitions.Add(new StringParameterDefinition("BRANCH", "main", "Branch to build."));
            job.ParameterDefinitions.Add(new BooleanParameterDefinition("SKIP_TESTS", false));
            job.ParameterDefinitions.Add(new ChoiceParameterDefinition("TARGET", ["dev", "qa", "prod"]));
        });

    /// <summary>
    /// Gives the job build #1 that has started but not written a line yet (an executor that is still
    /// setting up), which the simulation never leaves visible on its own.
    /// </summary>
    public static void StartSilentBuild(Job job)
    {
        var item = new QueueItem(id: 0, job, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, [], [Cause.User("tester")]);
        job.Builds.Add(job.CreateBuild(job.NextBuildNumber++, item, DateTimeOffset.UtcNow, builtOn: ""));
    }

    private static BuildRecipe Recipe(BuildFlavor flavor, string? outcome) => new(flavor, [outcome ?? BuildResult.Success]);

    private static string Create(JenkinsMockFactory factory, Func<string, IItemGroup, Job> create, Action<Job>? configure)
    {
        var name = "test-" + Guid.NewGuid().ToString("N")[..10];
        var instance = factory.Services.GetRequiredService<JenkinsInstance>();
        return instance.Use((root, _) =>
        {
            var folder = root.Items.OfType<Folder>().FirstOrDefault(f => f.Name == "tests");
            if (folder is null)
            {
                folder = new Folder("tests", root);
                root.Items.Add(folder);
            }

            var job = create(name, folder);
            configure?.Invoke(job);
            folder.Items.Add(job);
            return $"/job/tests/job/{name}/";
        });
    }
}
