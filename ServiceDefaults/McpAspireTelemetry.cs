using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Microsoft.Extensions.Hosting;

/// <summary>The activity source and meter every McpAspire service writes its own spans and metrics to.</summary>
public static class McpAspireTelemetry
{
    public const string ActivitySourceName = "McpAspire";
    public const string MeterName = "McpAspire";

    public static readonly ActivitySource ActivitySource = new(ActivitySourceName);
}
