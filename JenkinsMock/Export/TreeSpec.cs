namespace McpAspire.JenkinsMock.Export;

/// <summary>A slice of an array, <c>{M,N}</c> in a tree expression: from <see cref="Start"/> (inclusive) to <see cref="End"/> (exclusive).</summary>
public readonly record struct TreeRange(int Start, int? End)
{
    public static readonly TreeRange All = new(0, null);

    public IEnumerable<T> Apply<T>(IEnumerable<T> items)
    {
        var sliced = items.Skip(Start);
        return End is { } end ? sliced.Take(Math.Max(0, end - Start)) : sliced;
    }
}

/// <summary>
/// A parsed <c>?tree=</c> expression, e.g. <c>jobs[name,builds[number,result]{0,5}],views[name]</c>.
/// Grammar (Stapler's NamedPathPruner): <c>tree := term (',' term)*</c>,
/// <c>term := name ('[' tree ']')? ('{' range '}')?</c>, range one of <c>M,N</c> <c>M,</c> <c>,N</c> <c>N</c>.
/// </summary>
public sealed class TreeSpec
{
    private TreeSpec(IReadOnlyDictionary<string, TreeSpec> children, TreeRange range)
    {
        Children = children;
        Range = range;
    }

    public IReadOnlyDictionary<string, TreeSpec> Children { get; }

    public TreeRange Range { get; }

    /// <summary>Parses a tree expression; throws <see cref="FormatException"/> with a readable reason when it is malformed.</summary>
    public static TreeSpec Parse(string expression)
    {
        var parser = new Parser(expression);
        var tree = parser.ParseTree(TreeRange.All);
        parser.ExpectEnd();
        return tree;
    }

    /// <summary>Deeper than any object graph the API exports; stops a hostile expression from exhausting the stack.</summary>
    private const int MaxNesting = 32;

    private sealed class Parser(string text)
    {
        private int _position;
        private int _nesting;

        public TreeSpec ParseTree(TreeRange range)
        {
            if (++_nesting > MaxNesting)
            {
                throw new FormatException($"The tree expression nests deeper than {MaxNesting} levels.");
            }

            var children = new Dictionary<string, TreeSpec>(StringComparer.Ordinal);
            do
            {
                var name = ParseName();
                IReadOnlyDictionary<string, TreeSpec> grandChildren = new Dictionary<string, TreeSpec>();
                if (TryConsume('['))
                {
                    grandChildren = ParseTree(TreeRange.All).Children;
                    Expect(']');
                }

                var childRange = TryConsume('{') ? ParseRange() : TreeRange.All;
                children[name] = new TreeSpec(grandChildren, childRange);
            }
            while (TryConsume(','));

            _nesting--;
            return new TreeSpec(children, range);
        }

        public void ExpectEnd()
        {
            SkipSpaces();
            if (_position != text.Length)
            {
                throw new FormatException($"Unexpected '{text[_position]}' at position {_position} of the tree expression.");
            }
        }

        private string ParseName()
        {
            SkipSpaces();
            var start = _position;
            while (_position < text.Length && (char.IsLetterOrDigit(text[_position]) || text[_position] is '_' or '$' or '-' or '.'))
            {
                _position++;
            }

            if (_position == start)
            {
                throw new FormatException($"A property name was expected at position {start} of the tree expression.");
            }

            return text[start.._position];
        }

        private TreeRange ParseRange()
        {
            var first = ParseOptionalNumber();
            if (TryConsume('}'))
            {
                // {N}: just element N.
                var single = first ?? throw new FormatException("An empty range {} is not allowed in the tree expression.");
                return new TreeRange(single, single + 1);
            }

            Expect(',');
            var second = ParseOptionalNumber();
            Expect('}');
            if (first is null && second is null)
            {
                throw new FormatException("A range needs a start or an end in the tree expression.");
            }

            if (first is { } m && second is { } n && n < m)
            {
                throw new FormatException($"The range {{{m},{n}}} ends before it starts.");
            }

            return new TreeRange(first ?? 0, second);
        }

        private int? ParseOptionalNumber()
        {
            SkipSpaces();
            var start = _position;
            while (_position < text.Length && char.IsAsciiDigit(text[_position]))
            {
                _position++;
            }

            if (_position == start)
            {
                return null;
            }

            return int.TryParse(text.AsSpan(start, _position - start), NumberStyles.None, CultureInfo.InvariantCulture, out var number)
                ? number
                : throw new FormatException("A range bound in the tree expression is too large.");
        }

        private bool TryConsume(char expected)
        {
            SkipSpaces();
            if (_position < text.Length && text[_position] == expected)
            {
                _position++;
                return true;
            }

            return false;
        }

        private void Expect(char expected)
        {
            if (!TryConsume(expected))
            {
                throw new FormatException($"'{expected}' was expected at position {_position} of the tree expression.");
            }
        }

        private void SkipSpaces()
        {
            while (_position < text.Length && char.IsWhiteSpace(text[_position]))
            {
                _position++;
            }
        }
    }
}
