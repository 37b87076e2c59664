namespace McpAspire.McpJenkinsServer.Services;

/// <summary>
/// Reading Jenkins' progressive console text. Jenkins sends the raw log (console notes included, hudson.console.
/// ConsoleNote: <c>ESC[8mha:…ESC[0m</c>) through Stapler's LineEndNormalizingWriter, which writes every lone LF as
/// CR LF, while <c>X-Text-Size</c> counts raw bytes. So offsets come from <c>X-Text-Size</c>, and the text a model
/// sees has the notes cut out (as PlainTextConsoleOutputStream does for consoleText) and LF line ends.
/// </summary>
public static class ConsoleText
{
    private static readonly byte[] Preamble = "\u001B[8mha:"u8.ToArray();
    private const string PreambleText = "\u001B[8mha:";
    private const string PostambleText = "\u001B[0m";

    /// <summary>The text as a reader sees it: notes cut out, CR LF as LF.</summary>
    public static string Readable(ReadOnlySpan<byte> body)
    {
        var text = Encoding.UTF8.GetString(body);
        return StripNotes(text).Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    /// <summary>Cuts out every complete console note; a preamble without its postamble stays, as in Jenkins.</summary>
    public static string StripNotes(string text)
    {
        var start = text.IndexOf(PreambleText, StringComparison.Ordinal);
        if (start < 0)
        {
            return text;
        }

        var result = new StringBuilder(text.Length);
        var from = 0;
        while (start >= 0)
        {
            var end = text.IndexOf(PostambleText, start + PreambleText.Length, StringComparison.Ordinal);
            if (end < 0)
            {
                break;
            }

            result.Append(text, from, start - from);
            from = end + PostambleText.Length;
            start = text.IndexOf(PreambleText, from, StringComparison.Ordinal);
        }

        return result.Append(text, from, text.Length - from).ToString();
    }

    /// <summary>
    /// The raw log bytes a received body stands for: each CR LF counts as the one LF Jenkins stored. Exact for logs
    /// with LF line ends (what Jenkins writes for Linux agents); where the raw log itself had CR LF (a Windows batch
    /// step), it counts one byte short per such line, so a next page repeats those bytes rather than skipping any.
    /// </summary>
    public static long RawLength(ReadOnlySpan<byte> body)
    {
        long crlf = 0;
        for (var i = body.IndexOf("\r\n"u8); i >= 0;)
        {
            crlf++;
            var next = body[(i + 2)..].IndexOf("\r\n"u8);
            i = next < 0 ? -1 : i + 2 + next;
        }

        return body.Length - crlf;
    }

    /// <summary>
    /// Where to cut a page of <paramref name="take"/> bytes: after its last line end, else at a UTF-8 character
    /// boundary and never inside a console note (whose bytes would otherwise reach the model half-stripped).
    /// </summary>
    public static int PageEnd(ReadOnlySpan<byte> body, int take)
    {
        var lastNewline = body[..take].LastIndexOf((byte)'\n');
        if (lastNewline >= 0)
        {
            return lastNewline + 1;
        }

        var end = take;
        while (end > 0 && end < body.Length && (body[end] & 0xC0) == 0x80)
        {
            end--;
        }

        // A note whose postamble is beyond the cut, or a preamble cut in two, would reach the model half-stripped.
        var openNote = body[..end].LastIndexOf(Preamble);
        if (openNote > 0 && body[openNote..end].IndexOf("\u001B[0m"u8) < 0)
        {
            return openNote;
        }

        for (var partial = Math.Min(Preamble.Length - 1, end - 1); partial > 0; partial--)
        {
            if (body[(end - partial)..end].SequenceEqual(Preamble.AsSpan(0, partial)))
            {
                return end - partial;
            }
        }

        return end;
    }
}
