using System.Net.Sockets;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using McpAspire.AuthServer.Persistence.Infrastructure;

namespace McpAspire.AuthServer.Persistence.Faults;

/// <summary>Which exceptions mean "DynamoDB cannot serve us right now" (as opposed to a bug), and why.</summary>
internal static class DynamoDbFaults
{
    /// <summary>A short reason (for the log line) when <paramref name="exception"/> or one it wraps is a DynamoDB outage; otherwise null.</summary>
    public static string? Classify(Exception exception, bool requestAborted)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            var reason = current switch
            {
                DynamoDbUnavailableException => "throttled",
                ProvisionedThroughputExceededException or RequestLimitExceededException => "throttled",
                TransactionCanceledException cancelled when cancelled.CancellationReasons?.Any(reason =>
                    reason.Code is "ThrottlingError" or "ProvisionedThroughputExceeded" or "RequestLimitExceeded") == true => "throttled",
                ResourceNotFoundException => "table missing",
                AmazonServiceException service when service.ErrorCode?.Contains("Throttl", StringComparison.OrdinalIgnoreCase) == true => "throttled",
                AmazonServiceException service when (int)service.StatusCode >= 500 => "service error",
                AmazonServiceException service when service.StatusCode == 0 => "unreachable",
                AmazonClientException => "unreachable",
                HttpRequestException or SocketException => "unreachable",
                TimeoutException => "timed out",
                OperationCanceledException when !requestAborted && current.InnerException is TimeoutException => "timed out",
                _ => null,
            };
            if (reason is not null)
            {
                return reason;
            }

            if (current is AggregateException { InnerExceptions.Count: > 1 } aggregate)
            {
                return aggregate.InnerExceptions.Select(inner => Classify(inner, requestAborted)).FirstOrDefault(found => found is not null);
            }
        }

        return null;
    }
}
