using System.Buffers;

namespace McpAspire.JenkinsMock.Console;

/// <summary>The console of a seeded or running build: UTF-8 bytes in memory, growing line by line.</summary>
public sealed class InMemoryConsoleLog : ConsoleLog
{
    private readonly ArrayBufferWriter<byte> _bytes = new();
    private bool _completed;

    public override long Length => _bytes.WrittenCount;

    public override bool Completed => _completed;

    public override void AppendLine(string line)
    {
        var text = ConsoleNotes.Annotate(line) + "\n";
        var span = _bytes.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        _bytes.Advance(Encoding.UTF8.GetBytes(text, span));
    }

    public override void Complete() => _completed = true;

    /// <summary>A copy of the bytes from <paramref name="start"/>: the log may grow once the lock is released.</summary>
    public override LogSnapshot Snapshot(long start)
    {
        var from = (int)Math.Clamp(start, 0, Length);
        ReadOnlyMemory<byte> copy = _bytes.WrittenSpan[from..].ToArray();
        return new LogSnapshot(from, Length, _completed, () => [copy]);
    }
}
