using System.Text;

namespace LlmConnectors.Json;

/// <summary>
/// Cuts the JSON value out of a streamed answer with the least buffering: text before the first <c>{</c> or <c>[</c>
/// (prose, an opening code fence) is dropped, the value passes through as it arrives, and everything after the bracket
/// that closes it (a closing fence, trailing prose) is dropped.
/// </summary>
internal sealed class JsonStreamScanner
{
    private readonly StringBuilder _raw = new();
    private readonly StringBuilder _emitted = new();
    private ScanState _state;
    private int _depth;
    private bool _inString;
    private bool _escaped;

    private enum ScanState
    {
        Before,
        Inside,
        After,
    }

    /// <summary>Gets a value indicating whether the first bracket of the value has been seen.</summary>
    public bool Started => _state != ScanState.Before;

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

        var start = -1;
        var end = chunk.Length;
        for (var i = 0; i < chunk.Length; i++)
        {
            var c = chunk[i];
            if (_state == ScanState.Before)
            {
                if (c is '{' or '[')
                {
                    _state = ScanState.Inside;
                    _depth = 1;
                    start = i;
                }

                continue;
            }

            if (start < 0)
            {
                start = i;
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
        _emitted.Append(part);
        return part;
    }
}
