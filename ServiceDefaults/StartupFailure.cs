namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Runs a service so that a replica which cannot start says why in one log line and exits non-zero: the orchestrator
/// (Aspire's dashboard, Kubernetes, ECS) then shows that replica failed and may restart it, instead of a process that
/// died with a stack trace, or one left half-started behind a load balancer whose health check other replicas pass.
/// </summary>
public static partial class StartupFailure
{
    /// <summary>The process exit code of a replica that could not start.</summary>
    public const int ExitCode = 1;

    /// <summary>Starts <paramref name="app"/> and serves until shutdown; <see cref="ExitCode"/> when start-up fails, else 0.</summary>
    public static async Task<int> RunOrExitWithReasonAsync(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        try
        {
            await app.StartAsync();
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The innermost reason names the cause (a DynamoDB error, an invalid setting); the types on the way there do not.
            var reason = Reason(exception);
            var service = app.Environment.ApplicationName;
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("McpAspire.Startup");
            CouldNotStart(logger, service, reason);
            await app.DisposeAsync();
            return ExitCode;
        }

        await app.WaitForShutdownAsync();
        await app.DisposeAsync();
        return 0;
    }

    private static string Reason(Exception exception)
    {
        while (exception.InnerException is not null && exception is not Options.OptionsValidationException)
        {
            exception = exception.InnerException;
        }

        // One line, whatever the message holds.
        return $"{exception.GetType().Name}: {exception.Message.ReplaceLineEndings(" ")}";
    }

    [LoggerMessage(EventId = 9001, Level = LogLevel.Critical, Message = "{Service} could not start and exits: {Reason}")]
    private static partial void CouldNotStart(ILogger logger, string service, string reason);
}
