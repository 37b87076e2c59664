namespace McpAspire.AppHost.DynamoDb;

/// <summary>DynamoDB as the services see it: DynamoDB Local while running, the AWS service when published.</summary>
public interface IDynamoDbResource : IResource;

/// <summary>A running DynamoDB Local, whichever way it was started.</summary>
public interface IDynamoDbLocalResource : IDynamoDbResource, IResourceWithEndpoints, IResourceWithArgs, IResourceWithWaitSupport
{
    EndpointReference Endpoint { get; }
}

/// <summary>Amazon's DynamoDB Local jar run by Java 17+, for machines without a container runtime.</summary>
public sealed class DynamoDbLocalJavaResource(string name, string javaCommand, string workingDirectory)
    : ExecutableResource(name, javaCommand, workingDirectory), IDynamoDbLocalResource
{
    public EndpointReference Endpoint => field ??= new(this, DynamoDbLocalDefaults.EndpointName);
}

/// <summary>The <c>amazon/dynamodb-local</c> image, for machines with Docker or Podman.</summary>
public sealed class DynamoDbLocalContainerResource(string name) : ContainerResource(name), IDynamoDbLocalResource
{
    public EndpointReference Endpoint => field ??= new(this, DynamoDbLocalDefaults.EndpointName);
}

/// <summary>
/// The real AWS DynamoDB. It is not deployed (the tables belong to the AWS account); it carries the
/// parameters the services need to reach it. Credentials are parameters when published; a local run
/// against AWS leaves them to the SDK's default chain (AWS_PROFILE, SSO) of the AppHost's environment.
/// </summary>
public sealed class AwsDynamoDbResource(
    string name,
    ParameterResource region,
    ParameterResource tablePrefix,
    ParameterResource? accessKeyId,
    ParameterResource? secretAccessKey) : Resource(name), IDynamoDbResource
{
    public ParameterResource Region { get; } = region;
    public ParameterResource TablePrefix { get; } = tablePrefix;
    public ParameterResource? AccessKeyId { get; } = accessKeyId;
    public ParameterResource? SecretAccessKey { get; } = secretAccessKey;
}
