using System.Security.Cryptography;

namespace McpAspire.JenkinsMock.Services;

/// <summary>
/// Builds the instance the mock starts with: nodes, folders, freestyle and pipeline jobs (some
/// parameterized, one disabled, one never built), views, and build histories with every result,
/// real-looking logs and test reports. Same content on every start, timestamps relative to now.
/// </summary>
public sealed class InstanceSeeder(IOptions<JenkinsOptions> options)
{
    private static readonly Culprit[] Developers =
    [
        new("alice", "Alice Martin"),
        new("bob", "Bob Nguyen"),
        new("carla", "Carla Rossi"),
    ];

    private static readonly string[] CommitMessages =
    [
        "Fix rounding of partial refunds",
        "Add idempotency keys to payment creation",
        "Upgrade Spring Boot to 3.5.4",
        "Retry the currency provider on 503",
        "Make checkout button accessible",
        "Bump vite to 7.1.3",
    ];

    public JenkinsRoot Create(DateTimeOffset now)
    {
        var settings = options.Value;
        var root = new JenkinsRoot(settings.CsrfProtection, new Computer("", "the Jenkins controller's built-in node", 2, ["built-in"]));
        if (!settings.Seed)
        {
            return root;
        }

        AddNodes(root);
        var user = Cause.User(settings.User);

        var backend = AddFolder(root, "backend", "Services of the shop backend.");
        var payments = Add(backend, new FreeStyleProject("payments-service", backend, new BuildRecipe(BuildFlavor.Maven,
            [BuildResult.Success, BuildResult.Success, BuildResult.Unstable, BuildResult.Success, BuildResult.Failure, BuildResult.Success, BuildResult.Unstable]))
        {
            Description = "Builds and tests the payments service (Maven).",
        });
        History(root, payments, now, count: 12, spacing: TimeSpan.FromHours(5), duration: TimeSpan.FromSeconds(95), user);

        var platform = AddFolder(backend, "platform", "Shared platform services.");
        var inventory = Add(platform, new FreeStyleProject("inventory-api", platform, new BuildRecipe(BuildFlavor.Maven, [BuildResult.Success], LengthFactor: 0.5))
        {
            Description = "Inventory REST API.",
            ConcurrentBuild = true,
        });
        History(root, inventory, now, count: 4, spacing: TimeSpan.FromDays(1), duration: TimeSpan.FromSeconds(70), user);
        backend.Views.Add(new View("Payments", backend, item => item.Name.StartsWith("payments", StringComparison.Ordinal), "Everything that moves money."));

        var frontend = AddFolder(root, "frontend", "The web shop's browser application.");
        var webApp = Add(frontend, new WorkflowJob("web-app", frontend, new BuildRecipe(BuildFlavor.Node,
            [BuildResult.Success, BuildResult.Success, BuildResult.Failure, BuildResult.Success, BuildResult.Unstable]))
        {
            Description = "Pipeline: install, test and build the storefront.",
        });
        History(root, webApp, now, count: 9, spacing: TimeSpan.FromHours(3), duration: TimeSpan.FromMinutes(3), user);

        var deploy = AddFolder(root, "deploy", "Deployments to the shop's environments.");
        var deployShop = Add(deploy, new WorkflowJob("deploy-shop", deploy, new BuildRecipe(BuildFlavor.Deploy,
            [BuildResult.Success, BuildResult.Success, BuildResult.Failure, BuildResult.Success], LengthFactor: 1.5))
        {
            Description = "Deploys a version of the shop with Helm.",
        });
        deployShop.ParameterDefinitions.Add(new ChoiceParameterDefinition("ENVIRONMENT", ["staging", "production"], "Where to deploy."));
        deployShop.ParameterDefinitions.Add(new StringParameterDefinition("VERSION", "1.0.0", "Image tag to deploy."));
        deployShop.ParameterDefinitions.Add(new BooleanParameterDefinition("DRY_RUN", false, "Render the release without applying it."));
        deployShop.ParameterDefinitions.Add(new StringParameterDefinition("MCP_REQUESTED_BY", "", "Who asked for the deployment through the MCP server (filled in by the server)."));
        History(root, deployShop, now, count: 6, spacing: TimeSpan.FromHours(8), duration: TimeSpan.FromMinutes(2), user, abortedBuild: 5);

        var backup = Add(root, new FreeStyleProject("nightly-db-backup", root, new BuildRecipe(BuildFlavor.Nightly,
            [BuildResult.Success, BuildResult.Success, BuildResult.Success, BuildResult.Failure]))
        {
            Description = "Dumps the shop database to S3 every night.",
            LabelExpression = "linux",
        });
        History(root, backup, now, count: 7, spacing: TimeSpan.FromDays(1), duration: TimeSpan.FromMinutes(6), Cause.Timer);

        var releaseNotes = Add(root, new FreeStyleProject("release-notes", root, BuildRecipe.AlwaysSucceeds(BuildFlavor.Nightly))
        {
            Description = "Publishes release notes (never built yet).",
        });
        releaseNotes.ParameterDefinitions.Add(new StringParameterDefinition("RELEASE", "2026.11", "Release name."));
        releaseNotes.ParameterDefinitions.Add(new BooleanParameterDefinition("PUBLISH", true, "Publish to the intranet."));

        var legacy = Add(root, new FreeStyleProject("legacy-monolith", root, new BuildRecipe(BuildFlavor.Maven, [BuildResult.Success, BuildResult.Failure]))
        {
            Description = "Retired. Kept for its history.",
        });
        History(root, legacy, now - TimeSpan.FromDays(90), count: 2, spacing: TimeSpan.FromDays(7), duration: TimeSpan.FromMinutes(4), user);
        legacy.Disabled = true;

        var shop = Add(root, new WorkflowMultiBranchProject("shop", root) { Description = "Multibranch Pipeline of the shop monorepo." });
        History(root, shop.AddBranch("main", BuildRecipe.AlwaysSucceeds(BuildFlavor.Node)), now, count: 3, spacing: TimeSpan.FromHours(6), duration: TimeSpan.FromMinutes(3), Cause.ScmChange);
        History(root, shop.AddBranch("feature/checkout", new BuildRecipe(BuildFlavor.Node, [BuildResult.Success, BuildResult.Failure])), now, count: 2, spacing: TimeSpan.FromHours(4), duration: TimeSpan.FromMinutes(3), Cause.ScmChange);

        var installer = Add(root, new WorkflowJob("windows-installer", root, BuildRecipe.AlwaysSucceeds(BuildFlavor.Nightly))
        {
            Description = "Pipeline: node('windows') { ... } (its only agent is offline, so new runs wait for one).",
            AgentLabel = "windows",
        });
        History(root, installer, now - TimeSpan.FromDays(2), count: 2, spacing: TimeSpan.FromDays(1), duration: TimeSpan.FromMinutes(9), user);

        Add(root, new FreeStyleProject("release-freeze", root, BuildRecipe.AlwaysSucceeds(BuildFlavor.Nightly))
        {
            Description = "A queue decision handler (release freeze) vetoes every build request.",
            QueueVetoed = true,
        });

        if (settings.LargeInstance.Enabled)
        {
            LargeInstanceSeeder.Add(root, settings.LargeInstance, settings.User, now);
        }

        root.Views.Add(new View("Operations", root, item => item is Folder { Name: "deploy" } || item.Name == "nightly-db-backup", "Deployments and housekeeping."));
        root.Views.Add(new View("Legacy", root, item => item is Job { Disabled: true }));
        return root;
    }

    /// <summary>A 40-hex-digit Git commit id, the same for a job and build number on every start.</summary>
    private static string CommitId(Job job, int number)
        => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{job.FullName}#{number}")).AsSpan(0, 20));

    private static void AddNodes(JenkinsRoot root)
    {
        root.Computers.Computers.Add(new Computer("linux-amd64-01", "Build agent (Debian 13, Docker)", 4, ["linux", "docker", "amd64"]));
        root.Computers.Computers.Add(new Computer("linux-arm64-01", "Build agent (Graviton)", 2, ["linux", "arm64"]));
        root.Computers.Computers.Add(new Computer("windows-2022-01", "Windows build agent", 1, ["windows"])
        {
            TemporarilyOffline = true,
            OfflineCauseReason = "Patching in progress",
        });
    }

    private static Folder AddFolder(IItemGroup parent, string name, string description)
        => Add(parent, new Folder(name, parent) { Description = description });

    private static T Add<T>(IItemGroup parent, T item) where T : Item
    {
        parent.Items.Add(item);
        return item;
    }

    /// <summary>Finished builds, oldest first, ending <paramref name="spacing"/> apart before <paramref name="now"/>.</summary>
    private static void History(JenkinsRoot root, Job job, DateTimeOffset now, int count, TimeSpan spacing, TimeSpan duration, Cause cause, int? abortedBuild = null)
    {
        for (var number = 1; number <= count; number++)
        {
            var start = now - (spacing * (count - number + 1));
            var parameters = job.ParameterDefinitions.Select(definition => number % 2 == 0 && definition is ChoiceParameterDefinition choice
                ? ParameterValue.Text(choice.Name, choice.Choices[^1])
                : definition.DefaultValue).ToList();
            var causes = cause == Cause.Timer || number % 3 != 0 ? new[] { cause } : [Cause.ScmChange];
            var item = new QueueItem(root.Queue.NextId++, job, start, start, parameters, causes);
            var build = job.CreateBuild(number, item, start, number % 2 == 0 ? "linux-amd64-01" : "");
            job.NextBuildNumber = number + 1;
            job.Builds.Add(build);
            if (causes[0] == Cause.ScmChange || number % 4 == 1)
            {
                var author = Developers[number % Developers.Length];
                build.Changes.Add(new ChangeSetEntry(
                    CommitId(job, number),
                    CommitMessages[(number + job.Name.Length) % CommitMessages.Length],
                    author,
                    $"{author.Id}@acme.example",
                    (start - TimeSpan.FromMinutes(20)).ToUnixTimeMilliseconds(),
                    ["src/main/java/com/acme/App.java", "pom.xml"]));
            }

            var jitter = TimeSpan.FromSeconds(((number * 37) % 21) - 10);
            if (number == abortedBuild)
            {
                var script = ConsoleScripts.Write(build, BuildResult.Success, minimumLines: 0);
                foreach (var line in script.Lines.Take(script.Lines.Count / 2))
                {
                    build.Log.AppendLine(line);
                }

                foreach (var line in ConsoleScripts.Aborted(build, Cause.User("alice").UserId!))
                {
                    build.Log.AppendLine(line);
                }

                build.Finish(BuildResult.Aborted, start + (duration / 2));
                continue;
            }

            var finished = ConsoleScripts.Write(build, job.Recipe.OutcomeOf(number), minimumLines: 0);
            foreach (var line in finished.Lines)
            {
                build.Log.AppendLine(line);
            }

            build.TestReport = finished.TestReport;
            build.Artifacts.AddRange(finished.Artifacts);
            build.Finish(finished.Result, start + duration + jitter);
        }
    }
}
