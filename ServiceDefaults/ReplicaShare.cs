using Microsoft.Extensions.Configuration;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// One replica's share of a limit counted in memory: the limit divided by <c>Scaling:Replicas</c> (the number of
/// replicas the deployment runs, set by the AppHost; 1 when unset), at least 1.
/// </summary>
/// <remarks>
/// Used for the request-rate limits checked on paths that must not pay a storage call per request (introspection is
/// one DynamoDB read, and the MCP server has no storage at all). Divided, they mean the same total with one replica or
/// ten while the load balancer spreads requests evenly (Aspire's proxy and cloud balancers do); a client whose requests
/// all reach one replica gets its share only, which errs on the strict side. The limits shared through DynamoDB
/// instead (failed sign-ins, registration quotas) are those a share could not express or that a request can afford.
/// </remarks>
public static class ReplicaShare
{
    public const string ReplicasKey = "Scaling:Replicas";

    /// <summary>How many replicas of this service run.</summary>
    public static int Replicas(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var value = configuration[ReplicasKey];
        if (string.IsNullOrEmpty(value))
        {
            return 1;
        }

        return int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var replicas) && replicas >= 1
            ? replicas
            : throw new InvalidOperationException($"{ReplicasKey} must be a whole number of at least 1 (the replicas of this service the deployment runs).");
    }

    /// <summary>This replica's share of <paramref name="limit"/>.</summary>
    public static int Of(int limit, IConfiguration configuration) => Math.Max(1, limit / Replicas(configuration));
}
