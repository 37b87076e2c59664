namespace McpAspire.JenkinsMock.Services;

/// <summary>What a simulated build will write and how it ends.</summary>
public sealed record BuildScript(IReadOnlyList<string> Lines, string Result, TestResult? TestReport, IReadOnlyList<Artifact> Artifacts);

/// <summary>
/// Writes realistic console logs (Git checkout, Maven, npm, kubectl, shell) and matching JUnit
/// reports for simulated builds. Deterministic per job and build number, so a build's log does
/// not change between runs of the mock.
/// </summary>
public static class ConsoleScripts
{
    private static readonly (string Suite, string[] Cases)[] JavaSuites =
    [
        ("com.acme.payments.LedgerServiceTest", ["postsDoubleEntry", "rejectsNegativeAmount", "balancesAfterReversal", "roundsHalfEven"]),
        ("com.acme.payments.RefundPolicyTest", ["refundWithinThirtyDaysIsApproved", "refundAfterThirtyDaysIsRejected", "partialRefundKeepsFees"]),
        ("com.acme.payments.CurrencyConverterTest", ["convertsEurToUsd", "cachesRatesForOneHour", "failsOnUnknownCurrency"]),
        ("com.acme.payments.api.PaymentControllerIT", ["createPaymentReturns201", "duplicateIdempotencyKeyReturns409", "unauthenticatedReturns401"]),
        ("com.acme.payments.db.MigrationIT", ["appliesAllMigrations", "isRepeatable"]),
    ];

    private static readonly (string Suite, string[] Cases)[] JestSuites =
    [
        ("src/components/Cart.test.tsx", ["renders empty cart", "adds an item", "applies a voucher"]),
        ("src/components/Checkout.test.tsx", ["validates the address", "disables pay while submitting"]),
        ("src/api/client.test.ts", ["retries on 503", "sends the bearer token", "times out after 10s"]),
        ("src/hooks/useSession.test.ts", ["refreshes before expiry", "logs out on 401"]),
    ];

    private static readonly string[] MavenArtifacts =
    [
        "org/springframework/boot/spring-boot-starter-web/3.5.4/spring-boot-starter-web-3.5.4.pom",
        "com/fasterxml/jackson/core/jackson-databind/2.19.2/jackson-databind-2.19.2.jar",
        "org/postgresql/postgresql/42.7.7/postgresql-42.7.7.jar",
        "io/micrometer/micrometer-core/1.15.2/micrometer-core-1.15.2.jar",
        "org/junit/jupiter/junit-jupiter-engine/5.13.4/junit-jupiter-engine-5.13.4.jar",
        "org/testcontainers/postgresql/1.21.3/postgresql-1.21.3.jar",
    ];

    public static BuildScript Write(Build build, string result, int minimumLines)
    {
        var random = new Random(StableSeed(build.Job.FullName, build.Number));
        var lines = new List<string>();
        WriteCauses(build, lines);
        var script = build.Job.Recipe.Flavor switch
        {
            BuildFlavor.Maven => Maven(build, result, lines, minimumLines, random),
            BuildFlavor.Node => Node(build, result, lines, minimumLines, random),
            BuildFlavor.Deploy => Deploy(build, result, lines, minimumLines, random),
            _ => Nightly(build, result, lines, minimumLines, random),
        };
        lines.Add($"Finished: {result}");
        return script;
    }

    /// <summary>The lines Jenkins writes when a user aborts a running build.</summary>
    public static IEnumerable<string> Aborted(Build build, string user)
    {
        yield return $"Aborted by {user}";
        if (build is WorkflowRun)
        {
            yield return "[Pipeline] }";
            yield return "[Pipeline] // node";
            yield return "[Pipeline] End of Pipeline";
        }
        else
        {
            yield return "Build was aborted";
        }

        yield return $"Finished: {BuildResult.Aborted}";
    }

    private static void WriteCauses(Build build, List<string> lines)
    {
        foreach (var cause in build.Causes)
        {
            lines.Add(cause.ShortDescription);
        }
    }

    private static string Workspace(Build build)
        => build.BuiltOn.Length == 0 ? $"/var/jenkins_home/workspace/{build.Job.FullName}" : $"/home/jenkins/agent/workspace/{build.Job.FullName}";

    private static string Repository(Build build) => $"git@github.com:acme/{build.Job.Name}.git";

    private static string Commit(Random random) => Convert.ToHexStringLower(RandomBytes(random, 20));

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    private static void WriteCheckout(Build build, List<string> lines, Random random, string indent = " > ")
    {
        var commit = Commit(random);
        var repository = Repository(build);
        lines.Add("The recommended git tool is: NONE");
        lines.Add("using credential github-deploy-key");
        lines.Add($"{indent}git rev-parse --resolve-git-dir {Workspace(build)}/.git # timeout=10");
        lines.Add("Fetching changes from the remote Git repository");
        lines.Add($"{indent}git config remote.origin.url {repository} # timeout=10");
        lines.Add($"Fetching upstream changes from {repository}");
        lines.Add($"{indent}git --version # timeout=10");
        lines.Add($"{indent}git --version # 'git version 2.47.3'");
        lines.Add($"{indent}git fetch --tags --force --progress -- {repository} +refs/heads/*:refs/remotes/origin/* # timeout=10");
        lines.Add($"{indent}git rev-parse refs/remotes/origin/main^{{commit}} # timeout=10");
        lines.Add($"Checking out Revision {commit} (refs/remotes/origin/main)");
        lines.Add($"{indent}git config core.sparsecheckout # timeout=10");
        lines.Add($"{indent}git checkout -f {commit} # timeout=10");
        lines.Add(build.Changes.Count > 0 ? $"Commit message: \"{build.Changes[^1].Message}\"" : "Commit message: \"Bump dependencies\"");
    }

    private static BuildScript Maven(Build build, string result, List<string> lines, int minimumLines, Random random)
    {
        var node = build.BuiltOn.Length == 0 ? "the built-in node" : build.BuiltOn;
        lines.Add("Running as SYSTEM");
        lines.Add($"Building on {node} in workspace {Workspace(build)}");
        WriteCheckout(build, lines, random);
        lines.Add($"[{build.Job.Name}] $ /bin/sh -xe /tmp/jenkins{random.Next(1000000, 9999999)}.sh");
        lines.Add("+ mvn -B -Dmaven.test.failure.ignore=true clean verify");
        lines.Add("[INFO] Scanning for projects...");
        lines.Add("[INFO] ");
        lines.Add($"[INFO] ------------------< com.acme:{build.Job.Name} >------------------");
        lines.Add($"[INFO] Building {build.Job.Name} 2.4.{build.Number}-SNAPSHOT");
        lines.Add("[INFO]   from pom.xml");
        lines.Add("[INFO] --------------------------------[ jar ]---------------------------------");
        var testLines = 6 + (JavaSuites.Length * 2) + 12;
        var downloads = Math.Max(0, minimumLines - lines.Count - testLines);
        for (var i = 0; i < downloads; i++)
        {
            var artifact = MavenArtifacts[i % MavenArtifacts.Length];
            lines.Add(i % 2 == 0
                ? $"[INFO] Downloading from central: https://repo.maven.apache.org/maven2/{artifact}"
                : $"[INFO] Downloaded from central: https://repo.maven.apache.org/maven2/{artifact} ({random.Next(8, 900)} kB at {random.Next(1, 9)}.{random.Next(0, 9)} MB/s)");
        }

        lines.Add($"[INFO] --- clean:3.4.1:clean (default-clean) @ {build.Job.Name} ---");
        lines.Add($"[INFO] --- resources:3.3.1:resources (default-resources) @ {build.Job.Name} ---");
        lines.Add($"[INFO] --- compiler:3.14.0:compile (default-compile) @ {build.Job.Name} ---");
        lines.Add("[INFO] Compiling 142 source files with javac [debug release 21] to target/classes");
        lines.Add($"[INFO] --- surefire:3.5.3:test (default-test) @ {build.Job.Name} ---");
        lines.Add("[INFO] Using auto detected provider org.apache.maven.surefire.junitplatform.JUnitPlatformProvider");

        var report = Report(JavaSuites, build, result, random);
        foreach (var suite in report.Suites)
        {
            var failures = suite.Cases.Count(c => CaseStatus.IsFailure(c.Status));
            lines.Add($"[INFO] Running {SuiteName(suite)}");
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"[{(failures > 0 ? "ERROR" : "INFO")}] Tests run: {suite.Cases.Count}, Failures: {failures}, Errors: 0, Skipped: 0, Time elapsed: {suite.Duration:0.###} s{(failures > 0 ? " <<< FAILURE!" : "")} -- in {SuiteName(suite)}"));
        }

        lines.Add("[INFO] ");
        lines.Add("[INFO] Results:");
        foreach (var failed in report.Suites.SelectMany(s => s.Cases).Where(c => CaseStatus.IsFailure(c.Status)))
        {
            lines.Add($"[ERROR]   {failed.ClassName[(failed.ClassName.LastIndexOf('.') + 1)..]}.{failed.Name}:{random.Next(30, 140)} {failed.ErrorDetails}");
        }

        lines.Add(string.Create(CultureInfo.InvariantCulture, $"[INFO] Tests run: {report.TotalCount}, Failures: {report.FailCount}, Errors: 0, Skipped: {report.SkipCount}"));
        lines.Add("[INFO] ");
        if (result == BuildResult.Failure)
        {
            lines.Add("[INFO] BUILD FAILURE");
            lines.Add($"[ERROR] Failed to execute goal org.apache.maven.plugins:maven-failsafe-plugin:3.5.3:verify (default) on project {build.Job.Name}: There are test failures.");
            lines.Add("Build step 'Invoke top-level Maven targets' marked build as failure");
        }
        else
        {
            lines.Add($"[INFO] --- jar:3.4.2:jar (default-jar) @ {build.Job.Name} ---");
            lines.Add($"[INFO] Building jar: {Workspace(build)}/target/{build.Job.Name}-2.4.{build.Number}-SNAPSHOT.jar");
            lines.Add("[INFO] BUILD SUCCESS");
        }

        lines.Add("[INFO] ------------------------------------------------------------------------");
        lines.Add(string.Create(CultureInfo.InvariantCulture, $"[INFO] Total time:  {random.Next(40, 95)}.{random.Next(100, 999)} s"));
        lines.Add("Recording test results");
        lines.Add("[Checks API] No suitable checks publisher found.");
        if (result == BuildResult.Unstable)
        {
            lines.Add("Build step 'Publish JUnit test result report' changed build result to UNSTABLE");
        }

        IReadOnlyList<Artifact> artifacts = result == BuildResult.Failure ? [] :
        [
            new Artifact($"target/{build.Job.Name}-2.4.{build.Number}-SNAPSHOT.jar"),
            new Artifact("target/build-info.txt", string.Create(CultureInfo.InvariantCulture,
                $"artifact={build.Job.Name}\nversion=2.4.{build.Number}-SNAPSHOT\nbuild={build.Number}\njdk=21.0.8\nresult={result}\n")),
        ];
        if (artifacts.Count > 0)
        {
            lines.Add("Archiving artifacts");
        }

        return new BuildScript(lines, result, report, artifacts);
    }

    private static BuildScript Node(Build build, string result, List<string> lines, int minimumLines, Random random)
    {
        var node = build.BuiltOn.Length == 0 ? "Jenkins" : build.BuiltOn;
        lines.Add("[Pipeline] Start of Pipeline");
        lines.Add("[Pipeline] node");
        lines.Add($"Running on {node} in {Workspace(build)}");
        lines.Add("[Pipeline] {");
        Stage(lines, "Declarative: Checkout SCM");
        lines.Add("[Pipeline] checkout");
        WriteCheckout(build, lines, random);
        EndStage(lines);
        Stage(lines, "Install");
        lines.Add("[Pipeline] sh");
        lines.Add("+ npm ci --no-audit --no-fund");
        var padding = Math.Max(0, minimumLines - lines.Count - 30);
        for (var i = 0; i < padding; i++)
        {
            lines.Add($"npm warn deprecated {(i % 3) switch { 0 => "inflight@1.0.6", 1 => "glob@7.2.3", _ => "rimraf@3.0.2" }}: This module is not supported, and leaks memory.");
        }

        lines.Add(string.Create(CultureInfo.InvariantCulture, $"added {random.Next(900, 1500)} packages in {random.Next(12, 40)}s"));
        EndStage(lines);
        Stage(lines, "Test");
        lines.Add("[Pipeline] sh");
        lines.Add("+ npm test -- --ci --reporters=default --reporters=jest-junit");
        var report = Report(JestSuites, build, result, random);
        foreach (var suite in report.Suites)
        {
            var failed = suite.Cases.Where(c => CaseStatus.IsFailure(c.Status)).ToList();
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{(failed.Count > 0 ? "FAIL" : "PASS")} {SuiteName(suite)} ({suite.Duration:0.###} s)"));
            foreach (var test in failed)
            {
                lines.Add($"  ● {test.ClassName} › {test.Name}");
                lines.AddRange(test.ErrorDetails!.Split('\n').Select(line => line.Length == 0 ? "" : $"    {line}"));
            }
        }

        lines.Add(string.Create(CultureInfo.InvariantCulture, $"Tests:       {(report.FailCount > 0 ? $"{report.FailCount} failed, " : "")}{report.PassCount} passed, {report.TotalCount} total"));
        lines.Add("[Pipeline] junit");
        lines.Add("Recording test results");
        lines.Add("[Checks API] No suitable checks publisher found.");
        if (result == BuildResult.Failure)
        {
            EndStage(lines);
            lines.Add("[Pipeline] }");
            lines.Add("[Pipeline] // node");
            lines.Add("[Pipeline] End of Pipeline");
            lines.Add("ERROR: script returned exit code 1");
            return new BuildScript(lines, result, report, []);
        }

        if (result == BuildResult.Unstable)
        {
            lines.Add("[Pipeline] unstable");
            lines.Add($"WARNING: {report.FailCount} test(s) failed");
        }

        EndStage(lines);
        Stage(lines, "Build");
        lines.Add("[Pipeline] sh");
        lines.Add("+ npm run build");
        lines.Add($"> {build.Job.Name}@1.{build.Number}.0 build");
        lines.Add("> vite build");
        lines.Add("vite v7.1.3 building for production...");
        lines.Add(string.Create(CultureInfo.InvariantCulture, $"✓ {random.Next(400, 900)} modules transformed."));
        lines.Add(string.Create(CultureInfo.InvariantCulture, $"dist/assets/index-{Commit(random)[..8]}.js   {random.Next(180, 420)}.{random.Next(10, 99)} kB │ gzip: {random.Next(60, 130)}.{random.Next(10, 99)} kB"));
        lines.Add(string.Create(CultureInfo.InvariantCulture, $"✓ built in {random.Next(3, 12)}.{random.Next(10, 99)}s"));
        lines.Add("[Pipeline] archiveArtifacts");
        lines.Add("Archiving artifacts");
        EndStage(lines);
        lines.Add("[Pipeline] }");
        lines.Add("[Pipeline] // node");
        lines.Add("[Pipeline] End of Pipeline");
        return new BuildScript(lines, result, report, [new Artifact("dist/index.html", "<!DOCTYPE html><html><head><title>Shop</title></head><body><div id=\"root\"></div></body></html>\n")]);
    }

    private static BuildScript Deploy(Build build, string result, List<string> lines, int minimumLines, Random random)
    {
        string Parameter(string name, string fallback) => build.Parameters.FirstOrDefault(p => p.Name == name)?.AsText ?? fallback;
        var environment = Parameter("ENVIRONMENT", "staging");
        var version = Parameter("VERSION", "1.0.0");
        var dryRun = Parameter("DRY_RUN", "false") == "true";
        lines.Add("[Pipeline] Start of Pipeline");
        lines.Add("[Pipeline] node");
        lines.Add($"Running on {(build.BuiltOn.Length == 0 ? "Jenkins" : build.BuiltOn)} in {Workspace(build)}");
        lines.Add("[Pipeline] {");
        Stage(lines, "Prepare");
        lines.Add("[Pipeline] withCredentials");
        lines.Add("Masking supported pattern matches of $KUBECONFIG");
        lines.Add("[Pipeline] sh");
        lines.Add($"+ kubectl config use-context {environment}");
        lines.Add($"Switched to context \"{environment}\".");
        EndStage(lines);
        Stage(lines, "Deploy");
        lines.Add("[Pipeline] sh");
        lines.Add($"+ helm upgrade --install shop charts/shop --namespace shop-{environment} --set image.tag={version}{(dryRun ? " --dry-run" : "")} --wait --timeout 5m");
        lines.Add("Release \"shop\" has been upgraded. Happy Helming!");
        var rollout = Math.Max(4, minimumLines - lines.Count - 12);
        for (var i = 0; i < rollout; i++)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"Waiting for deployment \"shop-api\" rollout to finish: {Math.Min(i + 1, 3)} of 3 updated replicas are available..."));
        }

        if (result == BuildResult.Failure)
        {
            lines.Add("error: deployment \"shop-api\" exceeded its progress deadline");
            lines.Add("[Pipeline] }");
            lines.Add("[Pipeline] // stage");
            lines.Add("[Pipeline] }");
            lines.Add("[Pipeline] // node");
            lines.Add("[Pipeline] End of Pipeline");
            lines.Add("ERROR: script returned exit code 1");
            return new BuildScript(lines, result, null, []);
        }

        lines.Add("deployment \"shop-api\" successfully rolled out");
        EndStage(lines);
        Stage(lines, "Smoke test");
        lines.Add("[Pipeline] sh");
        lines.Add($"+ curl -fsS https://shop-{environment}.acme.internal/health");
        lines.Add("{\"status\":\"Healthy\"}");
        EndStage(lines);
        lines.Add("[Pipeline] }");
        lines.Add("[Pipeline] // node");
        lines.Add("[Pipeline] End of Pipeline");
        return new BuildScript(lines, result, null, []);
    }

    private static BuildScript Nightly(Build build, string result, List<string> lines, int minimumLines, Random random)
    {
        lines.Add("Running as SYSTEM");
        lines.Add($"Building on {(build.BuiltOn.Length == 0 ? "the built-in node" : build.BuiltOn)} in workspace {Workspace(build)}");
        lines.Add($"[{build.Job.Name}] $ /bin/bash -xe /tmp/jenkins{random.Next(1000000, 9999999)}.sh");
        lines.Add("+ pg_dump --format=custom --file=/backups/shop-$(date +%F).dump shop");
        var tables = new[] { "orders", "order_lines", "customers", "payments", "refunds", "inventory", "audit_log" };
        var steps = Math.Max(tables.Length, minimumLines - lines.Count - 6);
        for (var i = 0; i < steps; i++)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"pg_dump: dumping contents of table \"public.{tables[i % tables.Length]}\""));
        }

        if (result == BuildResult.Failure)
        {
            lines.Add("pg_dump: error: could not write to output file: No space left on device");
            lines.Add("Build step 'Execute shell' marked build as failure");
            return new BuildScript(lines, result, null, []);
        }

        lines.Add("+ aws s3 cp /backups/ s3://acme-backups/shop/ --recursive --exclude '*' --include '*.dump'");
        lines.Add(string.Create(CultureInfo.InvariantCulture, $"upload: ../../backups/shop.dump to s3://acme-backups/shop/shop.dump ({random.Next(200, 900)} MiB)"));
        lines.Add("+ find /backups -name '*.dump' -mtime +7 -delete");
        return new BuildScript(lines, result, null, []);
    }

    private static void Stage(List<string> lines, string name)
    {
        lines.Add("[Pipeline] stage");
        lines.Add($"[Pipeline] {{ ({name})");
    }

    private static void EndStage(List<string> lines)
    {
        lines.Add("[Pipeline] }");
        lines.Add("[Pipeline] // stage");
    }

    private static string SuiteName(SuiteResult suite) => suite.Cases.Count > 0 ? suite.Cases[0].ClassName : "";

    /// <summary>A JUnit report for the outcome: all pass on success, one or two failures otherwise.</summary>
    private static TestResult Report((string Suite, string[] Cases)[] suites, Build build, string result, Random random)
    {
        var failuresWanted = result is BuildResult.Unstable or BuildResult.Failure ? 1 + random.Next(2) : 0;
        var allCases = suites.SelectMany(s => s.Cases.Select(c => (s.Suite, Case: c))).ToList();
        var failing = new HashSet<(string, string)>();
        while (failing.Count < failuresWanted)
        {
            failing.Add(allCases[random.Next(allCases.Count)]);
        }

        var previousFailures = build.PreviousBuild?.TestReport?.Suites.SelectMany(s => s.Cases)
            .Where(c => CaseStatus.IsFailure(c.Status)).Select(c => (c.ClassName, c.Name)).ToHashSet() ?? [];
        var previousReportExists = build.PreviousBuild?.TestReport is not null;
        return new TestResult(suites.Select(suite => new SuiteResult(suite.Suite, build.TimestampMs, suite.Cases.Select(name =>
        {
            var duration = Math.Round(random.NextDouble() * 0.9, 3);
            var failedBefore = previousFailures.Contains((suite.Suite, name));
            if (failing.Contains((suite.Suite, name)))
            {
                var (details, trace) = suite.Suite.EndsWith(".ts", StringComparison.Ordinal) || suite.Suite.EndsWith(".tsx", StringComparison.Ordinal)
                    ? JestFailure(suite.Suite, random)
                    : JavaFailure(suite.Suite, name, random);
                return new CaseResult(suite.Suite, name, failedBefore || !previousReportExists ? CaseStatus.Failed : CaseStatus.Regression, duration, details, trace,
                    FailedSince: build.Number, Age: 1);
            }

            return new CaseResult(suite.Suite, name, failedBefore ? CaseStatus.Fixed : CaseStatus.Passed, duration);
        }).ToList())).ToList());
    }

    private static (string Details, string Trace) JestFailure(string file, Random random)
    {
        var (expected, received) = random.Next(2) == 0 ? ("201", "500") : ("\"Paid\"", "\"Pending\"");
        var details = $"expect(received).toBe(expected) // Object.is equality\n\nExpected: {expected}\nReceived: {received}";
        var trace = $"Error: {details}\n    at Object.<anonymous> ({file}:{random.Next(12, 90)}:{random.Next(5, 40)})\n    at processTicksAndRejections (node:internal/process/task_queues:105:5)\n";
        return (details, trace);
    }

    private static (string Details, string Trace) JavaFailure(string suite, string name, Random random)
    {
        var (details, exception) = random.Next(3) switch
        {
            0 => ("expected: <REJECTED> but was: <APPROVED>", "org.opentest4j.AssertionFailedError"),
            1 => ("Expected status 201 but was 500", "java.lang.AssertionError"),
            _ => ("Timed out after 10000 ms waiting for condition", "org.awaitility.core.ConditionTimeoutException"),
        };
        var simpleName = suite[(suite.LastIndexOf('.') + 1)..];
        var trace = $"{exception}: {details}\n\tat {suite}.{name}({simpleName}.java:{random.Next(30, 140)})\n\tat java.base/java.lang.reflect.Method.invoke(Method.java:580)\n\tat org.junit.platform.engine.support.hierarchical.ThrowableCollector.execute(ThrowableCollector.java:73)\n";
        return (details, trace);
    }

    /// <summary>A hash that stays the same across processes (string.GetHashCode does not).</summary>
    private static int StableSeed(string text, int number)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash ^ (uint)number);
    }
}
