namespace McpAspire.JenkinsMock.Services;

/// <summary>Drives the simulation in the background: every tick, queue items start and running builds write.</summary>
public sealed partial class BuildExecutor(JenkinsInstance instance, BuildSimulator simulator, TimeProvider time, IOptions<JenkinsOptions> options, ILogger<BuildExecutor> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Timing.TickInterval, time);
        do
        {
            try
            {
                instance.Use((root, now) =>
                {
                    simulator.Advance(root, now);
                    return 0;
                });
            }
            catch (InvalidOperationException exception)
            {
                // A broken step must not stop the executor for good; the next tick tries again.
                LogStepFailed(logger, exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A simulation step failed")]
    private static partial void LogStepFailed(ILogger logger, Exception exception);
}
