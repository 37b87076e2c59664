using System.Text.RegularExpressions;

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
        var search = new Scan(Compile(pattern, ignoreCase), contextLines, maxMatches);
        foreach (var line in lines)
        {
            if (!search.Add(line))
            {
                break;
            }
        }

        return search.Finish();
    }

    /// <summary>
    /// The same search over a stream of lines (a console log read from Jenkins as it arrives): memory stays bounded by
    /// the context window and the matches kept, whatever the log's size.
    /// </summary>
    public static async Task<(IReadOnlyList<LogMatch> Matches, int LinesSearched, bool Truncated)> SearchAsync(
        IAsyncEnumerable<string> lines, string pattern, bool ignoreCase, int contextLines, int maxMatches, CancellationToken cancellationToken)
    {
        var search = new Scan(Compile(pattern, ignoreCase), contextLines, maxMatches);
        await foreach (var line in lines.WithCancellation(cancellationToken))
        {
            if (!search.Add(line))
            {
                break;
            }
        }

        return search.Finish();
    }

    /// <summary>One pass over a log: the last context lines, the matches still collecting their after-context, the matches done.</summary>
    private sealed class Scan(Regex regex, int contextLines, int maxMatches)
    {
        private readonly Queue<string> _before = new(contextLines + 1);
        private readonly List<LogMatch> _matches = [];
        private readonly List<(int Line, string Text, string[] Before, List<string> After)> _open = [];
        private int _lineNumber;
        private bool _truncated;

        /// <summary>Takes the next line; false once enough matches were found.</summary>
        public bool Add(string line)
        {
            _lineNumber++;
            foreach (var pending in _open)
            {
                pending.After.Add(line);
            }

            _matches.AddRange(_open.Where(p => p.After.Count >= contextLines).Select(ToMatch));
            _open.RemoveAll(p => p.After.Count >= contextLines);

            if (IsMatch(regex, line))
            {
                if (_matches.Count + _open.Count >= maxMatches)
                {
                    _truncated = true;
                    return false;
                }

                _open.Add((_lineNumber, line, _before.ToArray(), []));
                if (contextLines == 0)
                {
                    _matches.AddRange(_open.Select(ToMatch));
                    _open.Clear();
                }
            }

            if (contextLines > 0)
            {
                _before.Enqueue(line);
                if (_before.Count > contextLines)
                {
                    _before.Dequeue();
                }
            }

            return true;
        }

        public (IReadOnlyList<LogMatch> Matches, int LinesSearched, bool Truncated) Finish()
        {
            _matches.AddRange(_open.Select(ToMatch));
            _open.Clear();
            return (_matches, _lineNumber, _truncated);
        }

        private static LogMatch ToMatch((int Line, string Text, string[] Before, List<string> After) p)
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
