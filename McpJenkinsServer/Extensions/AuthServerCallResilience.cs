using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Retry;

namespace McpAspire.McpJenkinsServer.Extensions;

/// <summary>
/// The one resilience budget of every call this server makes to the authorization server: the introspection of each
/// request, and the fetch of the metadata it serves at the issuer's well-known URLs. 5 s in all (a client must not
/// wait half a minute to learn the auth server is down, as it did under the ServiceDefaults' standard handler), an
/// attempt that hangs given up after 2 s, and one retry 100 ms later of a failed connection, a 5xx, a 408, a 429 or a
/// timed-out attempt (the standard handler's list; a replica restarting behind the balancer). Both calls only read,
/// so a retried request changes nothing.
/// </summary>
public static class AuthServerCallResilience
{
    /// <summary>The longest one call may take, its retry included.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>The longest one attempt may take before the retry.</summary>
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(2);

    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline) => pipeline
        .AddTimeout(Timeout)
        .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
        {
            MaxRetryAttempts = 1,
            BackoffType = DelayBackoffType.Constant,
            Delay = TimeSpan.FromMilliseconds(100),
            UseJitter = false,
            ShouldHandle = arguments => ValueTask.FromResult(HttpClientResiliencePredicates.IsTransient(arguments.Outcome)),
        })
        .AddTimeout(AttemptTimeout);
}
