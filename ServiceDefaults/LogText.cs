using System.Text;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Makes a value that came from a request safe to write into a log line: control and format characters
/// (CR, LF, bidi overrides, zero-width) become <c>\uXXXX</c>, so nobody can forge a line or hide text, and the
/// value is cut to a bounded length, so nobody can make us store megabytes per request.
/// </summary>
public static class LogText
{
    public const int DefaultMaxLength = 128;

    public static string Safe(string? value, int maxLength = DefaultMaxLength)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        var builder = new StringBuilder(Math.Min(value.Length, maxLength) + 8);
        foreach (var character in value)
        {
            if (builder.Length >= maxLength)
            {
                return builder.Append("…(").Append(value.Length.ToString(CultureInfo.InvariantCulture)).Append(" chars)").ToString();
            }

            var category = char.GetUnicodeCategory(character);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            {
                builder.Append("\\u").Append(((int)character).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(character);
            }
        }

        return builder.ToString();
    }
}
