using System.Buffers;
using System.Text;

namespace McpAspire.JenkinsMock.Model;

/// <summary>
/// A build's console as UTF-8 bytes: progressive text offsets are byte offsets, as in Jenkins'
/// LargeText. Only touched under the instance lock.
/// </summary>
public sealed class ConsoleLog
{
    private readonly ArrayBufferWriter<byte> _bytes = new();

    /// <summary>True once the build stopped writing.</summary>
    public bool Completed { get; private set; }

    public long Length => _bytes.WrittenCount;

    public void AppendLine(string line)
    {
        var text = line + "\n";
        var span = _bytes.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        _bytes.Advance(Encoding.UTF8.GetBytes(text, span));
    }

    public void Complete() => Completed = true;

    /// <summary>A copy of the bytes from <paramref name="start"/> to the current end.</summary>
    public byte[] CopyFrom(long start) => _bytes.WrittenSpan[(int)Math.Clamp(start, 0, Length)..].ToArray();
}
