using McpAspire.AppHost.DynamoDb;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aspire.Hosting;

/// <summary>
/// DynamoDB for the AppHost, modelled the way Aspire.Hosting.AWS does it (that package is not served
/// to us): DynamoDB Local while running, and the real AWS service, described by parameters, when published.
/// </summary>
public static class DynamoDbBuilderExtensions
{
    /// <summary>
    /// DynamoDB Local when the AppHost runs; the AWS service (region, table prefix and credentials as
    /// parameters) when it publishes, or when a local run sets <c>DynamoDb:UseAws=true</c>.
    /// DynamoDB Local's configuration (section <c>DynamoDbLocal</c>): <c>Runtime</c> = auto | java |
    /// container, <c>InMemory</c> = true for a fresh instance, <c>DataDirectory</c> to keep the tables
    /// somewhere else than <c>.data/dynamodb</c>, <c>JavaOptions</c> for the JVM (see
    /// <see cref="DynamoDbLocalDefaults.JavaOptions"/>; empty for the JVM's own defaults).
    /// </summary>
    public static IResourceBuilder<IDynamoDbResource> AddDynamoDb(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        var publishing = builder.ExecutionContext.IsPublishMode;
        if (publishing || builder.Configuration.GetValue<bool>("DynamoDb:UseAws"))
        {
            var aws = new AwsDynamoDbResource(
                name,
                builder.AddParameter($"{name}-region").Resource,
                builder.AddParameter($"{name}-table-prefix", DynamoDbLocalDefaults.DefaultTablePrefix, publishValueAsDefault: true).Resource,
                publishing ? builder.AddParameter($"{name}-access-key-id", secret: true).Resource : null,
                publishing ? builder.AddParameter($"{name}-secret-access-key", secret: true).Resource : null);
            return builder.CreateResourceBuilder<IDynamoDbResource>(aws).ExcludeFromManifest();
        }

        var local = builder.AddDynamoDbLocal(name, builder.Configuration.GetSection("DynamoDbLocal"));
        return builder.CreateResourceBuilder<IDynamoDbResource>(local.Resource);
    }

    /// <summary>A running DynamoDB Local with a health check that makes a real DynamoDB call.</summary>
    public static IResourceBuilder<IDynamoDbLocalResource> AddDynamoDbLocal(
        this IDistributedApplicationBuilder builder, [ResourceName] string name, IConfiguration settings)
    {
        var storage = settings.GetValue<bool>("InMemory")
            ? (DynamoDbLocalStorage)new DynamoDbLocalStorage.InMemory()
            : new DynamoDbLocalStorage.Directory(
                settings["DataDirectory"] ?? Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", ".data", "dynamodb")));

        var runtime = DynamoDbLocalInstallation.Resolve(settings["Runtime"] ?? "auto", settings["PackageDirectory"]);
        string[] javaOptions = (settings["JavaOptions"] ?? DynamoDbLocalDefaults.JavaOptions)
            .Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        IResourceBuilder<IDynamoDbLocalResource> resource = runtime switch
        {
            DynamoDbLocalRuntime.Java java => AddJava(builder, name, java, javaOptions, storage),
            DynamoDbLocalRuntime.Container => AddContainer(builder, name, javaOptions, storage),
            _ => throw new DistributedApplicationException($"Unknown DynamoDB Local runtime {runtime}."),
        };

        var healthCheckKey = $"{name}-dynamodb-call";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheckKey,
            _ => new DynamoDbHealthCheck(resource.Resource),
            failureStatus: HealthStatus.Unhealthy,
            tags: null));

        return resource.WithHealthCheck(healthCheckKey).ExcludeFromManifest();
    }

    /// <summary>
    /// Points a service's AWS SDK at this DynamoDB. For DynamoDB Local that is the standard
    /// <c>AWS_ENDPOINT_URL_DYNAMODB</c> variable, which the SDK honours by itself, and the service waits
    /// until DynamoDB Local is healthy; for AWS, the region and credentials parameters (AWS itself has
    /// no start-up to wait for). Either way <c>DynamoDb__TablePrefix</c> names the tables.
    /// </summary>
    public static IResourceBuilder<T> WithReference<T>(this IResourceBuilder<T> builder, IResourceBuilder<IDynamoDbResource> dynamoDb)
        where T : IResourceWithEnvironment, IResourceWithWaitSupport
    {
        switch (dynamoDb.Resource)
        {
            case IDynamoDbLocalResource local:
                builder.WaitFor(dynamoDb);
                builder
                    .WithEnvironment("AWS_ENDPOINT_URL_DYNAMODB", local.Endpoint)
                    .WithEnvironment("AWS_REGION", DynamoDbLocalDefaults.LocalRegion)
                    .WithEnvironment("AWS_ACCESS_KEY_ID", DynamoDbLocalDefaults.LocalOnlyAccessKeyId)
                    .WithEnvironment("AWS_SECRET_ACCESS_KEY", DynamoDbLocalDefaults.LocalOnlySecretAccessKey)
                    .WithEnvironment("DynamoDb__TablePrefix", DynamoDbLocalDefaults.DefaultTablePrefix)
                    // Only against DynamoDB Local may a service create its own tables at start-up.
                    .WithEnvironment("DynamoDb__CreateTables", "true");
                break;
            case AwsDynamoDbResource aws:
                builder
                    .WithEnvironment("AWS_REGION", aws.Region)
                    .WithEnvironment("DynamoDb__TablePrefix", aws.TablePrefix);
                if (aws.AccessKeyId is not null && aws.SecretAccessKey is not null)
                {
                    builder
                        .WithEnvironment("AWS_ACCESS_KEY_ID", aws.AccessKeyId)
                        .WithEnvironment("AWS_SECRET_ACCESS_KEY", aws.SecretAccessKey);
                }

                break;
            default:
                throw new DistributedApplicationException($"Unknown DynamoDB resource {dynamoDb.Resource.GetType().Name}.");
        }

        return builder;
    }

    private static IResourceBuilder<IDynamoDbLocalResource> AddJava(
        IDistributedApplicationBuilder builder, string name, DynamoDbLocalRuntime.Java java, string[] javaOptions, DynamoDbLocalStorage storage)
    {
        if (storage is DynamoDbLocalStorage.Directory directory)
        {
            System.IO.Directory.CreateDirectory(directory.Path);
        }

        var resource = new DynamoDbLocalJavaResource(name, java.JavaCommand, java.JarDirectory);
        return builder.CreateResourceBuilder<IDynamoDbLocalResource>(builder.AddResource(resource).Resource)
            .WithHttpEndpoint(name: DynamoDbLocalDefaults.EndpointName)
            .WithArgs(context =>
            {
                foreach (var option in javaOptions)
                {
                    context.Args.Add(option);
                }

                context.Args.Add("-Djava.library.path=./DynamoDBLocal_lib");
                context.Args.Add("-jar");
                context.Args.Add("DynamoDBLocal.jar");
                foreach (var argument in storage.ToArguments())
                {
                    context.Args.Add(argument);
                }

                context.Args.Add("-port");
                context.Args.Add(resource.Endpoint.Property(EndpointProperty.TargetPort));
            });
    }

    private static IResourceBuilder<IDynamoDbLocalResource> AddContainer(
        IDistributedApplicationBuilder builder, string name, string[] javaOptions, DynamoDbLocalStorage storage)
    {
        var resource = new DynamoDbLocalContainerResource(name);
        var container = builder.AddResource(resource)
            .WithImage(DynamoDbLocalDefaults.Image, DynamoDbLocalDefaults.ImageTag)
            .WithHttpEndpoint(targetPort: DynamoDbLocalDefaults.ContainerPort, name: DynamoDbLocalDefaults.EndpointName);

        var arguments = storage is DynamoDbLocalStorage.Directory
            ? new DynamoDbLocalStorage.Directory(DynamoDbLocalDefaults.ContainerDataDirectory).ToArguments()
            : storage.ToArguments();
        if (storage is DynamoDbLocalStorage.Directory)
        {
            container.WithVolume($"{name}-data", DynamoDbLocalDefaults.ContainerDataDirectory);
        }

        // The image's entry point is `java`; these are its arguments.
        container.WithArgs([.. javaOptions, "-jar", "DynamoDBLocal.jar", .. arguments]);
        return builder.CreateResourceBuilder<IDynamoDbLocalResource>(resource);
    }
}
