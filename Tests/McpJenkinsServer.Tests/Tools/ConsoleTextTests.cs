namespace McpAspire.McpJenkinsServer.Tests.Tools;

/// <summary>
/// Reading progressiveText bodies: console notes (hudson.console.ConsoleNote PREAMBLE/POSTAMBLE) cut out as
/// PlainTextConsoleOutputStream does, CR LF from LineEndNormalizingWriter counted back to raw bytes, pages never cut
/// inside a note.
/// </summary>
public sealed class ConsoleTextTests
{
    private const string Note = "\u001B[8mha:////4AAAA\u001B[0m";

    [Fact]
    public void Complete_notes_are_cut_out_and_an_unterminated_one_stays_as_jenkins_leaves_it()
    {
        Assert.Equal("Started by user alice", ConsoleText.StripNotes($"Started by user {Note}alice"));
        Assert.Equal("[Pipeline] sh and [Pipeline] echo", ConsoleText.StripNotes($"{Note}[Pipeline] sh and {Note}[Pipeline] echo"));
        Assert.Equal("\u001B[8mha:////4 cut", ConsoleText.StripNotes("\u001B[8mha:////4 cut"));
    }

    [Fact]
    public void Readable_text_has_lf_line_ends_and_no_notes_while_the_raw_length_counts_each_crlf_as_one_lf()
    {
        var body = Encoding.UTF8.GetBytes($"{Note}[Pipeline] sh\r\n+ make\r\n");

        Assert.Equal("[Pipeline] sh\n+ make\n", ConsoleText.Readable(body));
        Assert.Equal(body.Length - 2, ConsoleText.RawLength(body));
    }

    [Fact]
    public void A_page_ends_after_its_last_line_else_before_an_open_note_and_never_inside_a_character()
    {
        var lines = Encoding.UTF8.GetBytes("one\r\ntwo\r\nthree");
        var noteInLongLine = Encoding.UTF8.GetBytes($"xxxxxxxx{Note}tail");
        var accent = Encoding.UTF8.GetBytes("aé");

        Assert.Equal(10, ConsoleText.PageEnd(lines, 12));
        Assert.Equal(8, ConsoleText.PageEnd(noteInLongLine, 14));
        Assert.Equal(1, ConsoleText.PageEnd(accent, 2));
    }
}
