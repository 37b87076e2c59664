using System.Text.RegularExpressions;
using McpAspire.McpJenkinsServer.Model.Results;
using ModelContextProtocol;

namespace McpAspire.McpJenkinsServer.Services;

/// <summary>
/// Regular-expression search over console log lines with context lines. Patterns come from a model, so every
/// match runs under a timeout: a catastrophic pattern ends as a clear error, never as a busy server.
/// </summary>
public static class LogSearch
{
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    public static (IReadOnlyList<LogMatch> Matches, int LinesSearched, bool Truncated) Search(
        IEnumerable<string> lines, string pattern, bool ignoreCase, int contextLines, int maxMatches)
    {
        var regex = Compile(pattern, ignoreCase);
        var before = new Queue<string>(contextLines + 1);
        var matches = new List<LogMatch>();
        var open = new List<(int Line, string Text, string[] Before, List<string> After)>();
        var lineNumber = 0;
        var truncated = false;

        foreach (var line in lines)
        {
            lineNumber++;

            foreach (var pending in open)
            {
                pending.After.Add(line);
            }

            matches.AddRange(open.Where(p => p.After.Count >= contextLines).Select(ToMatch));
            open.RemoveAll(p => p.After.Count >= contextLines);

            if (IsMatch(regex, line))
            {
                if (matches.Count + open.Count >= maxMatches)
                {
                    truncated = true;
                    break;
                }

                open.Add((lineNumber, line, before.ToArray(), []));
                if (contextLines == 0)
                {
                    matches.AddRange(open.Select(ToMatch));
                    open.Clear();
                }
            }

            if (contextLines > 0)
            {
                before.Enqueue(line);
                if (before.Count > contextLines)
                {
                    before.Dequeue();
                }
            }
        }

        matches.AddRange(open.Select(ToMatch));
        return (matches, lineNumber, truncated);

        static LogMatch ToMatch((int Line, string Text, string[] Before, List<string> After) p)
            => new(p.Line, p.Text, p.Before, p.After);
    }

    private static Regex Compile(string pattern, bool ignoreCase)
    {
        if (string.IsNullOrEmpty(pattern))
        {
            throw new McpProtocolException("The pattern is empty.", McpErrorCode.InvalidParams);
        }

        try
        {
            var options = RegexOptions.CultureInvariant | (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None);
            return new Regex(pattern, options, MatchTimeout);
        }
        catch (ArgumentException exception)
        {
            throw new McpProtocolException($"The pattern is not a valid .NET regular expression: {exception.Message}", McpErrorCode.InvalidParams);
        }
    }

    private static bool IsMatch(Regex regex, string line)
    {
        try
        {
            return regex.IsMatch(line);
        }
        catch (RegexMatchTimeoutException)
        {
            throw new McpException($"The pattern took longer than {MatchTimeout.TotalSeconds:0} s on one line; simplify it (avoid nested quantifiers).");
        }
    }
}
