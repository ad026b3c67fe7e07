using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace LlmConnectors;

/// <summary>
/// Finds the JSON value in a model's answer: bare, inside a Markdown code fence, or surrounded by prose.
/// </summary>
/// <remarks>
/// <para>The search, in order, stops at the first candidate that parses as strict JSON (RFC 8259):</para>
/// <list type="number">
/// <item>The whole text, after trimming white space and a byte order mark.</item>
/// <item>The content of each code fence (<c>```json</c>, <c>```JSON</c>, <c>```</c> without a language, <c>~~~</c>), in order
/// of appearance: the first fence whose content parses wins, later fences are ignored.</item>
/// <item>Each object or array that starts in the text (at a <c>{</c> or <c>[</c>) and ends at its matching bracket, in order of
/// appearance (brackets inside JSON strings, including escaped quotes, are skipped); the prose before and after is dropped.</item>
/// </list>
/// <para>
/// Nothing is repaired: trailing commas, comments, single quotes, unquoted names and truncated values are reported as errors,
/// with the parser's message, so that the model can be asked again.
/// </para>
/// </remarks>
public static class JsonTextExtractor
{
    private const int MaxEmbeddedCandidates = 32;

    /// <summary>Extracts the JSON value from a response text.</summary>
    /// <param name="text">The text of the response.</param>
    /// <returns>The JSON text and its parsed value, or an error meant for the model.</returns>
    public static JsonExtractionResult Extract(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return JsonExtractionResult.Failed("the response is empty; expected a JSON value");
        }

        var start = 0;
        var end = text.Length;
        while (start < end && (char.IsWhiteSpace(text[start]) || text[start] == '\uFEFF'))
        {
            start++;
        }

        while (end > start && char.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }

        if (start == end)
        {
            return JsonExtractionResult.Failed("the response contains only white space; expected a JSON value");
        }

        string? firstError = null;

        // 1. The whole text.
        var first = text[start];
        if (first is '{' or '[')
        {
            if (FindValueEnd(text, start, end) == end - 1 &&
                TryParse(text, start, end, JsonExtractionSource.WholeText, ref firstError, out var whole))
            {
                return whole;
            }
        }
        else if (first is '"' or '-' || char.IsAsciiDigit(first) || IsLiteral(text, start, end))
        {
            if (LooksLikeScalar(text, start, end) &&
                TryParse(text, start, end, JsonExtractionSource.WholeText, ref firstError, out var whole))
            {
                return whole;
            }
        }

        // 2. Code fences, first that parses.
        string? fenceError = null;
        var searchFrom = start;
        while (TryFindFence(text, searchFrom, end, out var contentStart, out var contentEnd, out var next))
        {
            while (contentStart < contentEnd && char.IsWhiteSpace(text[contentStart]))
            {
                contentStart++;
            }

            while (contentEnd > contentStart && char.IsWhiteSpace(text[contentEnd - 1]))
            {
                contentEnd--;
            }

            if (contentEnd > contentStart &&
                TryParse(text, contentStart, contentEnd, JsonExtractionSource.CodeFence, ref fenceError, out var fenced))
            {
                return fenced;
            }

            fenceError ??= "the code block is empty";
            searchFrom = next;
        }

        // 3. Objects and arrays embedded in prose.
        string? embeddedError = null;
        var candidates = 0;
        for (var i = start; i < end && candidates < MaxEmbeddedCandidates; i++)
        {
            if (text[i] is not ('{' or '['))
            {
                continue;
            }

            candidates++;
            var valueEnd = FindValueEnd(text, i, end);
            if (valueEnd < 0)
            {
                embeddedError ??= $"the JSON value that starts with '{text[i]}' is never closed (the answer may have been cut off)";
                break;
            }

            if (TryParse(text, i, valueEnd + 1, JsonExtractionSource.EmbeddedInProse, ref embeddedError, out var embedded))
            {
                return embedded;
            }

            // Never pick a part of an invalid value: continue after it.
            i = valueEnd;
        }

        if (fenceError is not null)
        {
            return JsonExtractionResult.Failed($"the code block does not contain valid JSON: {fenceError}");
        }

        var error = firstError ?? embeddedError;
        return JsonExtractionResult.Failed(error is null
            ? "the response does not contain a JSON object or array"
            : $"the response does not contain valid JSON: {error}");
    }

    /// <summary>
    /// Parses a text that is exactly one JSON object or array, nothing around it, into a document on pooled buffers; for such a
    /// text <see cref="Extract"/> answers the same value with <see cref="JsonExtractionSource.WholeText"/> and the text itself.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="document">The parsed document, which the caller disposes; <see langword="null"/> when the text is anything else.</param>
    /// <returns><see langword="true"/> when the text was parsed; otherwise call <see cref="Extract"/>.</returns>
    internal static bool TryParseWholeText(string? text, [NotNullWhen(true)] out JsonDocument? document)
    {
        document = null;
        if (string.IsNullOrEmpty(text) || text[0] is not ('{' or '[') || char.IsWhiteSpace(text[^1]) ||
            FindValueEnd(text, 0, text.Length) != text.Length - 1)
        {
            return false;
        }

        try
        {
            document = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// Finds the index of the bracket that closes the object or array starting at <paramref name="start"/>, skipping
    /// brackets inside strings; -1 when the value is not closed before <paramref name="end"/>.
    /// </summary>
    internal static int FindValueEnd(string text, int start, int end)
    {
        var depth = 0;
        var inString = false;
        for (var i = start; i < end; i++)
        {
            var c = text[i];
            if (inString)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == '"')
                {
                    inString = false;
                }

                continue;
            }

            switch (c)
            {
                case '"':
                    inString = true;
                    break;
                case '{' or '[':
                    depth++;
                    break;
                case '}' or ']':
                    depth--;
                    if (depth == 0)
                    {
                        return i;
                    }

                    break;
            }
        }

        return -1;
    }

    private static bool IsLiteral(string text, int start, int end)
    {
        var span = text.AsSpan(start, end - start);
        return span is "true" or "false" or "null";
    }

    private static bool LooksLikeScalar(string text, int start, int end)
    {
        if (text[start] == '"')
        {
            return text[end - 1] == '"';
        }

        for (var i = start; i < end; i++)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryParse(string text, int start, int end, JsonExtractionSource source, ref string? error, out JsonExtractionResult result)
    {
        var json = start == 0 && end == text.Length ? text : text[start..end];
        try
        {
            result = JsonExtractionResult.Succeeded(json, JsonElement.Parse(json), source);
            return true;
        }
        catch (JsonException ex)
        {
            error ??= ex.Message;
            result = null!;
            return false;
        }
    }

    /// <summary>
    /// Finds the next fenced block: a run of three or more backticks or tildes, an optional language tag, the content, and a
    /// closing run of the same character at least as long (or the end of the text, for an answer that was cut off).
    /// </summary>
    private static bool TryFindFence(string text, int from, int end, out int contentStart, out int contentEnd, out int next)
    {
        contentStart = contentEnd = next = end;
        for (var i = from; i < end; i++)
        {
            var c = text[i];
            if (c is not ('`' or '~'))
            {
                continue;
            }

            var runEnd = i;
            while (runEnd < end && text[runEnd] == c)
            {
                runEnd++;
            }

            var runLength = runEnd - i;
            if (runLength < 3)
            {
                i = runEnd - 1;
                continue;
            }

            // Skip the info string (language tag): letters, digits and a few punctuation characters.
            var content = runEnd;
            while (content < end && (char.IsAsciiLetterOrDigit(text[content]) || text[content] is '-' or '_' or '+' or '.'))
            {
                content++;
            }

            contentStart = content;
            for (var j = content; j < end; j++)
            {
                if (text[j] != c)
                {
                    continue;
                }

                var closeEnd = j;
                while (closeEnd < end && text[closeEnd] == c)
                {
                    closeEnd++;
                }

                if (closeEnd - j >= runLength)
                {
                    contentEnd = j;
                    next = closeEnd;
                    return true;
                }

                j = closeEnd - 1;
            }

            contentEnd = end;
            next = end;
            return true;
        }

        return false;
    }
}
