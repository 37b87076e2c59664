namespace McpAspire.JenkinsMock.Services;

/// <summary>What cancelling a queue item did.</summary>
public enum CancelOutcome
{
    Cancelled,
    AlreadyLeft,
    NotFound,
}

/// <summary>The result of scheduling: the queue item, and whether it was an identical item already queued.</summary>
public sealed record ScheduleOutcome(QueueItem Item, bool AlreadyQueued);

/// <summary>
/// The simulated queue and executors: quiet period, assignment to a free executor, a console that
/// grows line by line, a result at the end; cancel and stop. Every method expects the caller to
/// hold the <see cref="JenkinsInstance"/> lock.
/// </summary>
public sealed class BuildSimulator(IOptionsMonitor<JenkinsOptions> options)
{
    private JenkinsTimingOptions Timing => options.CurrentValue.Timing;

    /// <summary>Queue.schedule2: a new item after the quiet period, or the identical one already waiting.</summary>
    public ScheduleOutcome Schedule(JenkinsRoot root, Job job, IReadOnlyList<ParameterValue> parameters, Cause cause, TimeSpan? quietPeriod, DateTimeOffset now)
    {
        if (root.Queue.Items.Find(item => item.IsDuplicateOf(job, parameters)) is { } existing)
        {
            return new ScheduleOutcome(existing, AlreadyQueued: true);
        }

        var queued = new QueueItem(root.Queue.NextId++, job, now, now + (quietPeriod ?? Timing.QuietPeriod), parameters, [cause]);
        root.Queue.Items.Add(queued);
        job.QueueItems.Add(queued);
        return new ScheduleOutcome(queued, AlreadyQueued: false);
    }

    /// <summary>
    /// Queue.cancel: a waiting item leaves the queue cancelled; a left one stays as it is. Cancelling a Pipeline's
    /// placeholder aborts its run (ExecutorStepExecution.CancelledItemListener).
    /// </summary>
    public static CancelOutcome Cancel(JenkinsRoot root, long id, DateTimeOffset now)
    {
        if (root.Queue.Items.Find(item => item.Id == id) is { } waiting)
        {
            Leave(root, waiting, build: null, now);
            if (waiting.PlaceholderFor is { } run)
            {
                run.Log.AppendLine("Queue task was cancelled");
                run.Finish(BuildResult.Aborted, now);
            }

            return CancelOutcome.Cancelled;
        }

        return root.Queue.LeftItems.ContainsKey(id) ? CancelOutcome.AlreadyLeft : CancelOutcome.NotFound;
    }

    /// <summary>
    /// Run.doStop: aborts a running build; a finished build stays as it is. A Pipeline run still waiting for an agent
    /// loses its placeholder queue item (ExecutorStepExecution.stop cancels it).
    /// </summary>
    public static void Stop(JenkinsRoot root, Build build, string user, DateTimeOffset now)
    {
        if (!build.Building)
        {
            return;
        }

        if (root.Queue.Items.Find(item => item.PlaceholderFor == build) is { } placeholder)
        {
            Leave(root, placeholder, build: null, now);
        }

        foreach (var line in ConsoleScripts.Aborted(build, user))
        {
            build.Log.AppendLine(line);
        }

        build.Finish(BuildResult.Aborted, now);
    }

    /// <summary>One step of the simulation at <paramref name="now"/>.</summary>
    public void Advance(JenkinsRoot root, DateTimeOffset now)
    {
        ForgetOldLeftItems(root, now);
        StartWhatCanStart(root, now);
        WriteRunningBuilds(root, now);
    }

    private void ForgetOldLeftItems(JenkinsRoot root, DateTimeOffset now)
    {
        foreach (var id in root.Queue.LeftItems.Values.Where(item => now - item.LeftAt > Timing.LeftItemLifetime).Select(item => item.Id).ToList())
        {
            root.Queue.LeftItems.Remove(id);
        }
    }

    private void StartWhatCanStart(JenkinsRoot root, DateTimeOffset now)
    {
        foreach (var item in root.Queue.Items.ToList())
        {
            if (item.PlaceholderFor is { } run)
            {
                StartNodeBlock(root, item, run, now);
                continue;
            }

            if (item.State == QueueItemState.Waiting)
            {
                if (now < item.QuietUntil)
                {
                    continue;
                }

                item.State = QueueItemState.Buildable;
                item.BuildableStartMs = now.ToUnixTimeMilliseconds();
            }

            if (!item.Task.ConcurrentBuild && item.Task.IsBuilding)
            {
                item.State = QueueItemState.Blocked;
                continue;
            }

            if (item.Task is WorkflowJob)
            {
                StartPipeline(root, item, now);
                continue;
            }

            var executor = root.Computers.OnlineExecutors.FirstOrDefault(candidate => candidate.Idle && CanRunOn(item.Task, candidate.Owner));
            if (executor is null)
            {
                item.State = QueueItemState.Buildable;
                continue;
            }

            Start(root, item, executor, now);
        }
    }

    /// <summary>
    /// A placeholder takes a free executor of an online node with the Pipeline's label; until then its "why" says
    /// whether every such node is offline (Queue's BecauseLabelIsOffline) or all are busy (BecauseLabelIsBusy).
    /// </summary>
    private void StartNodeBlock(JenkinsRoot root, QueueItem item, Build run, DateTimeOffset now)
    {
        var label = ((WorkflowJob)item.Task).AgentLabel;
        var executor = Labelled(root, label).Where(computer => !computer.Offline).SelectMany(computer => computer.Executors).FirstOrDefault(candidate => candidate.Idle);
        if (executor is null)
        {
            item.AgentUnavailable = WhyNoAgent(root, label);
            return;
        }

        executor.PlaceholderFor = run;
        run.AgentExecutor = executor;
        run.BuiltOn = executor.Owner.Name;
        Plan(run, now);
        Leave(root, item, run, now);
    }

    private static List<Computer> Labelled(JenkinsRoot root, string? label)
        => root.Computers.Computers.Where(computer => !computer.IsBuiltIn && computer.Labels.Contains(label, StringComparer.Ordinal)).ToList();

    /// <summary>Why no agent can take a node block now, as Jenkins computes a buildable item's blockage when asked; null when one may.</summary>
    private static string? WhyNoAgent(JenkinsRoot root, string? label)
    {
        var labelled = Labelled(root, label);
        return labelled.Count == 0 ? $"There are no nodes with the label ‘{label}’"
            : labelled.TrueForAll(computer => computer.Offline) ? $"All nodes of label ‘{label}’ are offline"
            : null;
    }

    private static bool CanRunOn(Job job, Computer computer)
        => job is not FreeStyleProject { LabelExpression: { } label } || computer.Labels.Contains(label, StringComparer.Ordinal);

    private void Start(JenkinsRoot root, QueueItem item, Executor executor, DateTimeOffset now)
    {
        var job = item.Task;
        var build = job.CreateBuild(job.NextBuildNumber++, item, now, executor.Owner.Name);
        job.Builds.Add(build);
        executor.CurrentBuild = build;
        build.Executor = executor;
        Plan(build, now);
        Leave(root, item, build, now);
    }

    /// <summary>
    /// A Pipeline run is a flyweight task: it starts at once on a one-off executor of the built-in node
    /// (Queue.maintain hands flyweights to Computer.startFlyWeightTask) and then queues the placeholder of its
    /// <c>node {}</c> block, which waits for an agent executor; its console is written once it has one.
    /// </summary>
    private static void StartPipeline(JenkinsRoot root, QueueItem item, DateTimeOffset now)
    {
        var job = item.Task;
        var builtIn = root.Computers.Computers.First(computer => computer.IsBuiltIn);
        var oneOff = new Executor(builtIn, -1);
        builtIn.OneOffExecutors.Add(oneOff);
        var build = job.CreateBuild(job.NextBuildNumber++, item, now, "");
        job.Builds.Add(build);
        oneOff.CurrentBuild = build;
        build.Executor = oneOff;
        Leave(root, item, build, now);
        var placeholder = new QueueItem(root.Queue.NextId++, job, now, now, [], item.Causes)
        {
            PlaceholderFor = build,
            State = QueueItemState.Buildable,
            BuildableStartMs = now.ToUnixTimeMilliseconds(),
            // Jenkins answers a buildable item's "why" from the nodes as they are when asked: a placeholder read before
            // the next tick must already say that its label's nodes are offline.
            AgentUnavailable = job is WorkflowJob pipeline ? WhyNoAgent(root, pipeline.AgentLabel) : null,
        };
        root.Queue.Items.Add(placeholder);
    }

    private void Plan(Build build, DateTimeOffset now)
    {
        var job = build.Job;
        var interval = Timing.LogLineInterval;
        var minimumLines = interval > TimeSpan.Zero ? (int)Math.Min(5000, Timing.BuildLength * job.Recipe.LengthFactor / interval) : 0;
        var script = ConsoleScripts.Write(build, job.Recipe.OutcomeOf(build.Number), minimumLines);
        build.Plan = new BuildPlan(script.Lines, script.Result, script.TestReport, firstLineAt: now);
        build.Artifacts.AddRange(script.Artifacts);
    }

    private void WriteRunningBuilds(JenkinsRoot root, DateTimeOffset now)
    {
        var executors = root.Computers.Computers.SelectMany(computer => computer.Executors.Concat(computer.OneOffExecutors));
        foreach (var build in executors.Select(executor => executor.CurrentBuild).OfType<Build>().ToList())
        {
            if (build.Plan is not { } plan)
            {
                continue;
            }

            while (!plan.Done && plan.NextLineAt <= now)
            {
                build.Log.AppendLine(plan.Lines[plan.NextLine++]);
                plan.NextLineAt += Timing.LogLineInterval;
            }

            if (plan.Done && plan.NextLineAt <= now)
            {
                build.TestReport = plan.TestReport;
                build.Finish(plan.Result, now);
            }
        }
    }

    private static void Leave(JenkinsRoot root, QueueItem item, Build? build, DateTimeOffset now)
    {
        item.State = QueueItemState.Left;
        item.LeftAt = now;
        item.Executable = build;
        item.Cancelled = build is null;
        root.Queue.Items.Remove(item);
        item.Task.QueueItems.Remove(item);
        root.Queue.LeftItems[item.Id] = item;
    }
}
