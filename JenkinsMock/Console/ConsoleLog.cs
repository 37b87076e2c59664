namespace McpAspire.JenkinsMock.Console;

/// <summary>
/// A build's raw console log (notes included), addressed by byte offset as Jenkins' LargeText does. Only touched
/// under the instance lock; readers take a <see cref="LogSnapshot"/> and write it after the lock is released.
/// </summary>
public abstract class ConsoleLog
{
    /// <summary>Raw bytes written so far (what <c>X-Text-Size</c> counts).</summary>
    public abstract long Length { get; }

    /// <summary>True once the build stopped writing.</summary>
    public abstract bool Completed { get; }

    /// <summary>Appends a line as a reader sees it; the log stores it with its console notes.</summary>
    public abstract void AppendLine(string line);

    public abstract void Complete();

    /// <summary>The raw bytes from <paramref name="start"/> to the current end, readable after the lock is released.</summary>
    public abstract LogSnapshot Snapshot(long start);
}

/// <summary>Raw log bytes from <see cref="Start"/> to <see cref="End"/>, as chunks produced on demand.</summary>
public sealed record LogSnapshot(long Start, long End, bool Completed, Func<IEnumerable<ReadOnlyMemory<byte>>> Chunks);
