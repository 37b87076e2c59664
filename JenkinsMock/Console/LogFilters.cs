using System.Buffers;

namespace McpAspire.JenkinsMock.Console;

/// <summary>A byte-stream transformation applied while a log is written out, chunk by chunk, keeping its state between chunks.</summary>
public interface ILogFilter
{
    void Write(ReadOnlySpan<byte> chunk, IBufferWriter<byte> output);

    /// <summary>Writes what is still held back at the end of the stream.</summary>
    void Flush(IBufferWriter<byte> output);
}

/// <summary>The raw log as it is.</summary>
public sealed class RawLogFilter : ILogFilter
{
    public void Write(ReadOnlySpan<byte> chunk, IBufferWriter<byte> output) => output.Write(chunk);

    public void Flush(IBufferWriter<byte> output)
    {
    }
}

/// <summary>
/// Stapler's org.kohsuke.stapler.framework.io.LineEndNormalizingWriter, through which LargeText.doProgressText
/// writes: a lone LF becomes CR LF, a CR LF stays as it is. <c>X-Text-Size</c> still counts the raw bytes, so a
/// client must never compute offsets from the bytes it received.
/// </summary>
public sealed class LineEndNormalizingFilter : ILogFilter
{
    private static readonly byte[] CrLf = "\r\n"u8.ToArray();
    private bool _seenCr;

    public void Write(ReadOnlySpan<byte> chunk, IBufferWriter<byte> output)
    {
        var begin = 0;
        for (var i = 0; i < chunk.Length; i++)
        {
            var current = chunk[i];
            if (current == (byte)'\n' && !_seenCr)
            {
                output.Write(chunk[begin..i]);
                output.Write(CrLf);
                begin = i + 1;
            }

            _seenCr = current == (byte)'\r';
        }

        output.Write(chunk[begin..]);
    }

    public void Flush(IBufferWriter<byte> output)
    {
    }
}

/// <summary>
/// hudson.console.PlainTextConsoleOutputStream, through which Run.doConsoleText writes: line by line, every console
/// note (PREAMBLE … POSTAMBLE) is cut out; a preamble without its postamble stays as it is.
/// </summary>
public sealed class PlainTextConsoleFilter : ILogFilter
{
    private readonly ArrayBufferWriter<byte> _line = new(256);

    public void Write(ReadOnlySpan<byte> chunk, IBufferWriter<byte> output)
    {
        while (chunk.Length > 0)
        {
            var end = chunk.IndexOf((byte)'\n');
            if (end < 0)
            {
                _line.Write(chunk);
                return;
            }

            _line.Write(chunk[..(end + 1)]);
            WriteStripped(_line.WrittenSpan, output);
            _line.ResetWrittenCount();
            chunk = chunk[(end + 1)..];
        }
    }

    public void Flush(IBufferWriter<byte> output)
    {
        WriteStripped(_line.WrittenSpan, output);
        _line.ResetWrittenCount();
    }

    private static void WriteStripped(ReadOnlySpan<byte> line, IBufferWriter<byte> output)
    {
        while (true)
        {
            var start = line.IndexOf(ConsoleNotes.Preamble);
            var end = start < 0 ? -1 : line[start..].IndexOf(ConsoleNotes.Postamble);
            if (end < 0)
            {
                output.Write(line);
                return;
            }

            output.Write(line[..start]);
            line = line[(start + end + ConsoleNotes.Postamble.Length)..];
        }
    }
}
