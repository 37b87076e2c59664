namespace McpAspire.AppHost.DynamoDb;

/// <summary>Where DynamoDB Local keeps its tables.</summary>
public abstract record DynamoDbLocalStorage
{
    /// <summary>Fresh and empty at every start: what tests ask for.</summary>
    public sealed record InMemory : DynamoDbLocalStorage;

    /// <summary>A folder that survives restarts: the default of <c>dotnet run</c>.</summary>
    public sealed record Directory(string Path) : DynamoDbLocalStorage;

    /// <summary>
    /// DynamoDB Local's own command-line arguments. <c>-sharedDb</c> always: every service sees the same
    /// tables whatever region and credentials its SDK sends.
    /// </summary>
    public IReadOnlyList<string> ToArguments() => this switch
    {
        InMemory => ["-sharedDb", "-inMemory"],
        Directory directory => ["-sharedDb", "-dbPath", directory.Path],
        _ => throw new InvalidOperationException($"Unknown DynamoDB Local storage {GetType().Name}."),
    };
}
