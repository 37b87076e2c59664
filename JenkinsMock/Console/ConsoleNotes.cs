using System.Security.Cryptography;

namespace McpAspire.JenkinsMock.Console;

/// <summary>
/// Console notes as Jenkins writes them into the raw log (hudson.console.ConsoleNote): a serialized note between
/// <c>ESC[8mha:</c> (PREAMBLE) and <c>ESC[0m</c> (POSTAMBLE), invisible in a terminal. Jenkins puts one before every
/// pipeline step line (org.jenkinsci.plugins.workflow.job.console.NewNodeConsoleNote, "[Pipeline] ...") and around
/// the user of "Started by user" (hudson.console.HyperlinkNote, from Cause.UserIdCause.print). The payload here is
/// deterministic filler of the same shape (base64 starting with "////4"), not a serialized Java object.
/// </summary>
public static class ConsoleNotes
{
    public static readonly byte[] Preamble = "\u001B[8mha:"u8.ToArray();
    public static readonly byte[] Postamble = "\u001B[0m"u8.ToArray();

    private const string StartedByUser = "Started by user ";

    /// <summary>The raw log line Jenkins would write for a console line as a reader sees it.</summary>
    public static string Annotate(string line)
    {
        if (line.StartsWith("[Pipeline] ", StringComparison.Ordinal))
        {
            return Note(line) + line;
        }

        return line.StartsWith(StartedByUser, StringComparison.Ordinal)
            ? StartedByUser + Note(line) + line[StartedByUser.Length..]
            : line;
    }

    /// <summary>One encoded note: <c>ESC[8mha:////4…ESC[0m</c>.</summary>
    public static string Note(string about)
        => "\u001B[8mha:////4" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(about))) + "\u001B[0m";
}
