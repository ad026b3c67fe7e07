using System.Globalization;
using System.Text;

namespace LlmConnectors.ClaudeProxy.Http;

/// <summary>
/// Makes text a client sent safe to quote in an error message or a log line: at most a few dozen characters (a 3 MiB <c>model</c>
/// is not echoed whole), and control characters (newlines included) written as <c>\uXXXX</c>, so that a client cannot forge log
/// lines or flood the log.
/// </summary>
internal static class ClientText
{
    /// <summary>The longest client value quoted, in characters.</summary>
    public const int MaxQuotedLength = 64;

    /// <summary>Returns a value shortened to <see cref="MaxQuotedLength"/> characters, with control characters escaped.</summary>
    /// <param name="value">The client's value.</param>
    /// <param name="maxLength">The longest result before the "more characters" note.</param>
    /// <returns>The safe text; <see langword="null"/> stays <see langword="null"/>.</returns>
    public static string? Quote(string? value, int maxLength = MaxQuotedLength)
    {
        if (value is null)
        {
            return null;
        }

        var shown = value.Length > maxLength ? value.AsSpan(0, maxLength) : value.AsSpan();
        if (value.Length <= maxLength && !NeedsEscaping(shown))
        {
            return value;
        }

        var builder = new StringBuilder(shown.Length + 32);
        foreach (var c in shown)
        {
            if (char.IsControl(c) || c is '\u2028' or '\u2029')
            {
                builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        if (value.Length > maxLength)
        {
            builder.Append("... (").Append((value.Length - maxLength).ToString(CultureInfo.InvariantCulture)).Append(" more characters)");
        }

        return builder.ToString();
    }

    private static bool NeedsEscaping(ReadOnlySpan<char> text) =>
        text.ContainsAnyInRange('\u0000', '\u001f') || text.ContainsAnyInRange('\u007f', '\u009f') || text.IndexOfAny('\u2028', '\u2029') >= 0;
}
