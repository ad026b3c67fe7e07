using System.Text;

namespace LlmConnectors.Json;

/// <summary>
/// Cuts the JSON value out of a streamed answer with the least buffering: text before the value (prose, an opening code
/// fence) is dropped, the value passes through as it arrives, and everything after the bracket that closes it (a closing
/// fence, trailing prose) is dropped.
/// </summary>
/// <remarks>
/// The value starts at the first <c>{</c> followed (after white space) by <c>"</c> or <c>}</c>, or the first <c>[</c> followed
/// by something that can start a JSON value; a bracket followed by anything else (<c>{name}</c>, <c>[Note]</c>) is prose. Only
/// that bracket and the white space after it are held back until the next character decides.
/// </remarks>
internal sealed class JsonStreamScanner
{
    private readonly StringBuilder _raw = new();
    private readonly StringBuilder _emitted = new();
    private readonly StringBuilder _pending = new();
    private ScanState _state;
    private char _bracket;
    private int _depth;
    private bool _inString;
    private bool _escaped;

    private enum ScanState
    {
        Before,
        Pending,
        Inside,
        After,
    }

    /// <summary>Gets a value indicating whether the first bracket of the value has been seen and accepted.</summary>
    public bool Started => _state is ScanState.Inside or ScanState.After;

    /// <summary>Gets a value indicating whether the bracket closing the value has been seen.</summary>
    public bool Completed => _state == ScanState.After;

    /// <summary>Gets everything the model wrote so far.</summary>
    public string RawText => _raw.ToString();

    /// <summary>Gets the JSON text passed through so far.</summary>
    public string EmittedText => _emitted.ToString();

    /// <summary>Consumes a chunk of text and returns the part of it that belongs to the JSON value.</summary>
    public string Process(string chunk)
    {
        _raw.Append(chunk);
        if (_state == ScanState.After)
        {
            return string.Empty;
        }

        // Where the pending bracket started in this chunk; -1 when it was carried over from an earlier chunk.
        var pendingStart = -1;
        string? prefix = null;
        var start = _state == ScanState.Inside ? 0 : -1;
        var end = chunk.Length;
        for (var i = 0; i < chunk.Length; i++)
        {
            var c = chunk[i];
            switch (_state)
            {
                case ScanState.Before:
                    if (c is '{' or '[')
                    {
                        _state = ScanState.Pending;
                        _bracket = c;
                        _pending.Clear().Append(c);
                        pendingStart = i;
                    }

                    continue;

                case ScanState.Pending:
                    if (char.IsWhiteSpace(c))
                    {
                        _pending.Append(c);
                        continue;
                    }

                    if (!CanStartValue(_bracket, c))
                    {
                        // Prose such as {name} or [Note]: look for the next bracket, starting with this character.
                        _state = ScanState.Before;
                        i--;
                        continue;
                    }

                    if (pendingStart >= 0)
                    {
                        start = pendingStart;
                    }
                    else
                    {
                        prefix = _pending.ToString();
                        start = i;
                    }

                    _pending.Clear();
                    _state = ScanState.Inside;
                    _depth = 1;
                    i--;
                    continue;
            }

            if (_inString)
            {
                if (_escaped)
                {
                    _escaped = false;
                }
                else if (c == '\\')
                {
                    _escaped = true;
                }
                else if (c == '"')
                {
                    _inString = false;
                }

                continue;
            }

            switch (c)
            {
                case '"':
                    _inString = true;
                    break;
                case '{' or '[':
                    _depth++;
                    break;
                case '}' or ']':
                    if (--_depth == 0)
                    {
                        _state = ScanState.After;
                        end = i + 1;
                        i = chunk.Length;
                    }

                    break;
            }
        }

        if (start < 0)
        {
            return string.Empty;
        }

        var part = start == 0 && end == chunk.Length ? chunk : chunk[start..end];
        if (prefix is not null)
        {
            part = prefix + part;
        }

        _emitted.Append(part);
        return part;
    }

    private static bool CanStartValue(char bracket, char next) => bracket == '{'
        ? next is '"' or '}'
        : next is '{' or '[' or '"' or '-' or ']' or 't' or 'f' or 'n' || char.IsAsciiDigit(next);
}
