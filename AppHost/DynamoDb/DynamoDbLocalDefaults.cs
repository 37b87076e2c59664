namespace McpAspire.AppHost.DynamoDb;

/// <summary>Pinned versions and fixed names of the DynamoDB Local resource.</summary>
public static class DynamoDbLocalDefaults
{
    public const string EndpointName = "http";

    /// <summary>The port DynamoDB Local listens on inside its container.</summary>
    public const int ContainerPort = 8000;

    public const string Image = "amazon/dynamodb-local";

    /// <summary>Pinned, never <c>latest</c>: the same DynamoDB Local 3.3.0 the npm package ships.</summary>
    public const string ImageTag = "3.3.0";

    public const string ContainerDataDirectory = "/home/dynamodblocal/data";

    /// <summary>The table names every service uses start with this, locally and on AWS.</summary>
    public const string DefaultTablePrefix = "mcpaspire";

    /// <summary>
    /// The JVM options DynamoDB Local runs with unless <c>DynamoDbLocal:JavaOptions</c> says otherwise. DynamoDB Local
    /// is a stand-in for development and tests: it lives minutes, under light load, and most of its CPU goes to starting
    /// and to the optimising compiler's warm-up. The quick compiler alone and the serial collector cut its start-up CPU
    /// by about a third and its CPU per request in its first minute by 20 to 50 % (measured on a 2-core machine: 5.5-6.9
    /// against 3.3-4.6 CPU-s to start, 1.1-1.2 against 0.5-0.9 ms a request); the test suite, which starts it several
    /// times, is CPU-bound. bench/run.sh sets it empty, so the storage ceiling it measures is the fully optimised one.
    /// </summary>
    public const string JavaOptions = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC";

    /// <summary>The oldest Java DynamoDB Local 3.x runs on.</summary>
    public const int MinimumJavaVersion = 17;

    /// <summary>
    /// DynamoDB Local ignores credentials and region with <c>-sharedDb</c>, but the AWS SDK insists on
    /// having some. These placeholders are not secrets and are only ever set for DynamoDB Local, whose
    /// 2.x and later releases refuse access key ids that are not letters and digits only.
    /// </summary>
    public const string LocalOnlyAccessKeyId = "LocalDynamoDbPlaceholder";
    public const string LocalOnlySecretAccessKey = "LocalDynamoDbPlaceholder";
    public const string LocalRegion = "us-east-1";
}
