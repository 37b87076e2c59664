using System.Threading.RateLimiting;
using McpAspire.AuthServer.RequestProtection;
using Microsoft.AspNetCore;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace McpAspire.AuthServer.Introspection;

/// <summary>
/// Limits introspection per authenticated resource-server client, not per address: the MCP server introspects
/// every user's requests from one address, so a per-address limit let one user's junk lock out everybody.
/// Two OpenIddict handlers around client authentication, because only there is the caller known:
/// <list type="bullet">
/// <item>before the secret is checked, an address whose recent client authentications failed too often is
/// refused (a secret check is a PBKDF2 derivation: guessing must not be free);</item>
/// <item>once the client is authenticated, it takes a permit from its own window (<c>RateLimiting:Introspect</c>).</item>
/// </list>
/// A refusal is <c>429</c> with <c>Retry-After</c> and the error <c>temporarily_unavailable</c>
/// (<see cref="AnswerTooManyRequests"/>). The limiters are ASP.NET Core's; only the wiring is ours.
/// </summary>
public static class LimitIntrospectionPerClient
{
    /// <summary>Transaction property holding the wait a refused request is told (a <see cref="TimeSpan"/>).</summary>
    private const string RetryAfterProperty = "mcpaspire:introspection_retry_after";

    public static IEnumerable<OpenIddictServerHandlerDescriptor> Descriptors =>
        [RefuseFailingAddresses.Descriptor, TakeClientPermit.Descriptor, CountFailedAuthentication.Descriptor, AnswerTooManyRequests.Descriptor];

    private static bool IsIntrospection(BaseContext context) => context.EndpointType == OpenIddictServerEndpointType.Introspection;

    private static void Refuse(ProcessAuthenticationContext context, TimeSpan retryAfter, string description)
    {
        context.Transaction.Properties[RetryAfterProperty] = retryAfter;
        context.Reject(Errors.TemporarilyUnavailable, description);
    }

    private static string AddressOf(BaseContext context)
        => ClientAddress.Partition(context.Transaction.GetHttpRequest()?.HttpContext.Connection.RemoteIpAddress);

    /// <summary>Refuses, before any secret is checked, an address that failed client authentication too often.</summary>
    public sealed class RefuseFailingAddresses(FailuresPerAddress failures) : IOpenIddictServerHandler<ProcessAuthenticationContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessAuthenticationContext>()
                .UseSingletonHandler<RefuseFailingAddresses>()
                .SetOrder(OpenIddictServerHandlers.ValidateClientSecret.Descriptor.Order - 500)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public ValueTask HandleAsync(ProcessAuthenticationContext context)
        {
            ArgumentNullException.ThrowIfNull(context);
            if (IsIntrospection(context) && failures.IsBlocked(AddressOf(context), out var retryAfter))
            {
                Refuse(context, retryAfter, "Too many failed client authentications from this address.");
            }

            return ValueTask.CompletedTask;
        }
    }

    /// <summary>
    /// Takes a permit from the authenticated client's own window: this replica's share of it (<see cref="ReplicaShare"/>),
    /// because a count shared through DynamoDB would be a second storage call on every introspection, which must stay
    /// at one read. The MCP server's introspections reach the replicas through the load balancer, evenly.
    /// </summary>
    public sealed class TakeClientPermit(IOptionsMonitor<RateLimitOptions> options, IConfiguration configuration)
        : IOpenIddictServerHandler<ProcessAuthenticationContext>, IDisposable
    {
        private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(clientId =>
        {
            var limit = options.CurrentValue.Introspect;
            return RateLimitPartition.GetFixedWindowLimiter(clientId, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = ReplicaShare.Of(limit.PermitLimit, configuration),
                Window = limit.Window,
                QueueLimit = 0,
            });
        });

        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessAuthenticationContext>()
                .UseSingletonHandler<TakeClientPermit>()
                .SetOrder(OpenIddictServerHandlers.ValidateClientSecret.Descriptor.Order + 500)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public ValueTask HandleAsync(ProcessAuthenticationContext context)
        {
            ArgumentNullException.ThrowIfNull(context);
            if (!IsIntrospection(context) || string.IsNullOrEmpty(context.ClientId))
            {
                return ValueTask.CompletedTask;
            }

            using var lease = _limiter.AttemptAcquire(context.ClientId);
            if (!lease.IsAcquired)
            {
                var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                Refuse(context, retryAfter, "This client's introspection limit is reached.");
            }

            return ValueTask.CompletedTask;
        }

        public void Dispose() => _limiter.Dispose();
    }

    /// <summary>Counts an introspection refused for bad client credentials against the caller's address.</summary>
    public sealed class CountFailedAuthentication(FailuresPerAddress failures) : IOpenIddictServerHandler<ApplyIntrospectionResponseContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyIntrospectionResponseContext>()
                .UseSingletonHandler<CountFailedAuthentication>()
                .SetOrder(int.MinValue + 50_000)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public ValueTask HandleAsync(ApplyIntrospectionResponseContext context)
        {
            ArgumentNullException.ThrowIfNull(context);
            if (context.Error == Errors.InvalidClient)
            {
                failures.Record(AddressOf(context));
            }

            return ValueTask.CompletedTask;
        }
    }

    /// <summary>Turns a refusal of ours into <c>429 Too Many Requests</c> with <c>Retry-After</c>.</summary>
    public sealed class AnswerTooManyRequests : IOpenIddictServerHandler<ApplyIntrospectionResponseContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyIntrospectionResponseContext>()
                .UseSingletonHandler<AnswerTooManyRequests>()
                .SetOrder(OpenIddictServerAspNetCoreHandlers.AttachHttpResponseCode<ApplyIntrospectionResponseContext>.Descriptor.Order + 500)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public ValueTask HandleAsync(ApplyIntrospectionResponseContext context)
        {
            ArgumentNullException.ThrowIfNull(context);
            if (context.Transaction.Properties.TryGetValue(RetryAfterProperty, out var value) && value is TimeSpan retryAfter
                && context.Transaction.GetHttpRequest()?.HttpContext.Response is { } response)
            {
                response.StatusCode = StatusCodes.Status429TooManyRequests;
                RetryAfter.Set(response, retryAfter);
            }

            return ValueTask.CompletedTask;
        }
    }
}
