namespace McpAspire.JenkinsMock.Console;

/// <summary>
/// A finished build's console of any size, generated on demand instead of held in memory (the large-instance mode's
/// 200 MB log). Every raw line is exactly <see cref="LineBytes"/> bytes, so the line holding any byte offset is found
/// by division and a read from any offset costs only what it returns. Line 0 names the user (with its console note),
/// every 1,000th line is a pipeline step (with a note), every 100,000th (from 50,000) an ERROR line, the last one
/// "Finished: SUCCESS".
/// </summary>
public sealed class GeneratedConsoleLog : ConsoleLog
{
    public const int LineBytes = 128;

    /// <summary>The text of the rare lines a search can look for.</summary>
    public const string ErrorMarker = "ERROR: artifact cache connection reset";

    private const int LinesPerChunk = 512;

    private readonly string _user;
    private readonly long _lines;

    public GeneratedConsoleLog(long approximateBytes, string user)
    {
        _lines = Math.Max(2, approximateBytes / LineBytes);
        _user = user;
    }

    public long Lines => _lines;

    public override long Length => _lines * LineBytes;

    public override bool Completed => true;

    public override void AppendLine(string line) => throw new InvalidOperationException("A generated console log is complete.");

    public override void Complete()
    {
    }

    public override LogSnapshot Snapshot(long start)
    {
        var from = Math.Clamp(start, 0, Length);
        return new LogSnapshot(from, Length, Completed: true, () => ChunksFrom(from));
    }

    private IEnumerable<ReadOnlyMemory<byte>> ChunksFrom(long start)
    {
        var line = start / LineBytes;
        var skip = (int)(start % LineBytes);
        while (line < _lines)
        {
            var count = (int)Math.Min(LinesPerChunk, _lines - line);
            var buffer = new byte[count * LineBytes];
            for (var i = 0; i < count; i++)
            {
                Encoding.ASCII.GetBytes(RawLine(line + i), buffer.AsSpan(i * LineBytes, LineBytes));
            }

            yield return buffer.AsMemory(skip);
            skip = 0;
            line += count;
        }
    }

    /// <summary>One line padded with spaces to LineBytes - 1 characters, then LF.</summary>
    private string RawLine(long index)
    {
        var number = index.ToString("D9", CultureInfo.InvariantCulture);
        var text = index switch
        {
            0 => ConsoleNotes.Annotate("Started by user " + _user),
            _ when index == _lines - 1 => "Finished: SUCCESS",
            _ when index % 100_000 == 50_000 => $"{ErrorMarker} (line {number}), retrying",
            _ when index % 1_000 == 1 => ConsoleNotes.Annotate("[Pipeline] echo"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{number} [INFO] Compiling module-{index % 997:D3}: src/main/java/com/acme/Generated{index % 10_007}.java"),
        };
        return text.PadRight(LineBytes - 1) + "\n";
    }
}
