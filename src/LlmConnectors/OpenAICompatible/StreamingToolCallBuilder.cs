using System.Text;
using Microsoft.Extensions.AI;

namespace LlmConnectors.OpenAICompatible;

/// <summary>Assembles streamed tool-call fragments, keyed by their <c>index</c>, into complete <see cref="FunctionCallContent"/>s.</summary>
internal sealed class StreamingToolCallBuilder
{
    private readonly List<Entry> _entries = [];

    /// <summary>Gets a value indicating whether fragments are waiting to be emitted.</summary>
    public bool HasPending => _entries.Count > 0;

    /// <summary>Adds the fragments of one delta.</summary>
    /// <param name="calls">The delta's <c>tool_calls</c>.</param>
    public void Add(List<ToolCall> calls)
    {
        for (var i = 0; i < calls.Count; i++)
        {
            var call = calls[i];
            var entry = Find(call.Index, call.Id);
            if (entry is null)
            {
                entry = new Entry(call.Index ?? _entries.Count);
                _entries.Add(entry);
            }

            if (!string.IsNullOrEmpty(call.Id))
            {
                entry.Id = call.Id;
            }

            if (call.ExtraContent is { ValueKind: System.Text.Json.JsonValueKind.Object } extra)
            {
                entry.ExtraContent = extra;
            }

            if (call.Function is { } function)
            {
                if (!string.IsNullOrEmpty(function.Name))
                {
                    entry.Name = function.Name;
                }

                if (function.Arguments is { Length: > 0 } arguments)
                {
                    entry.Arguments.Append(arguments);
                }
            }
        }
    }

    /// <summary>Returns the assembled calls in index order and resets the builder.</summary>
    /// <returns>The calls.</returns>
    public List<AIContent> Build()
    {
        _entries.Sort(static (a, b) => a.Index.CompareTo(b.Index));
        var result = new List<AIContent>(_entries.Count);
        foreach (var entry in _entries)
        {
            result.Add(OpenAIResponseMapper.ToFunctionCall(entry.Id, entry.Name, entry.Arguments.ToString(), raw: null, entry.ExtraContent));
        }

        _entries.Clear();
        return result;
    }

    private Entry? Find(int? index, string? id)
    {
        foreach (var entry in _entries)
        {
            if (index is { } i ? entry.Index == i : id is not null && entry.Id == id)
            {
                return entry;
            }
        }

        // Providers that omit 'index' send one call's fragments in a row: continue the last call unless a new id starts another.
        return index is null && id is null && _entries.Count > 0 ? _entries[^1] : null;
    }

    private sealed class Entry(int index)
    {
        public int Index { get; } = index;

        public string? Id { get; set; }

        public string? Name { get; set; }

        public StringBuilder Arguments { get; } = new();

        public System.Text.Json.JsonElement? ExtraContent { get; set; }
    }
}
