using System.Text;
using System.Text.Json;

namespace LlmConnectors.OpenAICompatible;

/// <summary>
/// Merges streamed <c>reasoning_details</c> fragments into the array a non-streaming response would carry: fragments with the same
/// <c>index</c> are one block, whose <c>text</c>, <c>summary</c> and <c>data</c> strings are concatenated and whose other members
/// (<c>type</c>, <c>format</c>, <c>id</c>, <c>signature</c>) keep their last value.
/// </summary>
internal sealed class StreamingReasoningDetailsBuilder
{
    private static readonly string[] ConcatenatedMembers = ["text", "summary", "data"];
    private readonly List<Block> _blocks = [];

    /// <summary>Gets a value indicating whether details were received.</summary>
    public bool HasDetails => _blocks.Count > 0;

    /// <summary>Adds one delta's <c>reasoning_details</c>.</summary>
    /// <param name="details">An array of detail objects (a single object is accepted too).</param>
    public void Add(JsonElement details)
    {
        if (details.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in details.EnumerateArray())
            {
                AddOne(item);
            }
        }
        else if (details.ValueKind == JsonValueKind.Object)
        {
            AddOne(details);
        }
    }

    /// <summary>Forgets the details received so far.</summary>
    public void Clear() => _blocks.Clear();

    /// <summary>Writes the merged array.</summary>
    /// <returns>The <c>reasoning_details</c> array.</returns>
    public JsonElement Build()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var block in _blocks)
            {
                writer.WriteStartObject();
                foreach (var name in block.Order)
                {
                    writer.WritePropertyName(name);
                    if (block.Strings.TryGetValue(name, out var text))
                    {
                        writer.WriteStringValue(text.ToString());
                    }
                    else
                    {
                        block.Values[name].WriteTo(writer);
                    }
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return JsonSerializer.Deserialize(buffer.ToArray(), OpenAIWireJsonContext.Default.JsonElement);
    }

    private void AddOne(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        int? index = item.TryGetProperty("index", out var i) && i.ValueKind == JsonValueKind.Number && i.TryGetInt32(out var n) ? n : null;
        Block? block = null;
        if (index is not null)
        {
            foreach (var candidate in _blocks)
            {
                if (candidate.Index == index)
                {
                    block = candidate;
                    break;
                }
            }
        }

        if (block is null)
        {
            block = new Block(index);
            _blocks.Add(block);
        }

        foreach (var property in item.EnumerateObject())
        {
            if (!block.Order.Contains(property.Name))
            {
                block.Order.Add(property.Name);
            }

            if (property.Value.ValueKind == JsonValueKind.String && Array.IndexOf(ConcatenatedMembers, property.Name) >= 0)
            {
                if (!block.Strings.TryGetValue(property.Name, out var text))
                {
                    block.Strings[property.Name] = text = new StringBuilder();
                }

                text.Append(property.Value.GetString());
            }
            else if (property.Value.ValueKind != JsonValueKind.Null || !block.Values.ContainsKey(property.Name))
            {
                block.Strings.Remove(property.Name);
                block.Values[property.Name] = property.Value.Clone();
            }
        }
    }

    private sealed class Block(int? index)
    {
        public int? Index { get; } = index;

        public List<string> Order { get; } = [];

        public Dictionary<string, StringBuilder> Strings { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, JsonElement> Values { get; } = new(StringComparer.Ordinal);
    }
}
