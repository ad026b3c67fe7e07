using System.Text.Json.Nodes;

namespace LlmConnectors.TestServers.Samples;

/// <summary>What the scripted backends answer, from the request's content, so that samples need no script per test.</summary>
public static class ScriptedAnswers
{
    /// <summary>The answer to a plain prompt: names the model and repeats the prompt.</summary>
    public static string Echo(string model, string prompt) => $"Hello from {model}! You said: {prompt}";

    /// <summary>The answer after a tool call: names the model and repeats what the tool returned.</summary>
    public static string ToolResult(string model, string result) => $"{model} used the tool, which returned: {result}";

    /// <summary>Gets whether the prompt contains a word of four letters or more of the tool's name (<c>local_time</c>: "time").</summary>
    public static bool MentionsTool(string prompt, string? toolName) =>
        toolName is not null
        && System.Text.RegularExpressions.Regex.Split(toolName, "[^A-Za-z]+|(?<=[a-z])(?=[A-Z])")
            .Any(word => word.Length >= 4 && prompt.Contains(word, StringComparison.OrdinalIgnoreCase));

    /// <summary>Makes JSON text that satisfies a JSON schema: strings "sample", integers 42, numbers 4.5, booleans true, first enum values.</summary>
    public static string SchemaInstance(JsonNode schema) => SchemaInstance(schema, schema, 0)?.ToJsonString() ?? "null";

    /// <summary>Makes a value that satisfies a JSON schema (objects, arrays, enums, $ref to $defs, nullable type arrays).</summary>
    private static JsonNode? SchemaInstance(JsonNode root, JsonNode? schema, int depth)
    {
        if (schema is null || depth > 8)
        {
            return null;
        }

        if (schema["$ref"]?.GetValue<string>() is { } reference)
        {
            var target = root;
            foreach (var segment in reference.TrimStart('#').Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                target = target?[segment];
            }

            return SchemaInstance(root, target, depth + 1);
        }

        if (schema["enum"] is JsonArray values && values.Count > 0)
        {
            return values[0]?.DeepClone();
        }

        if (schema["anyOf"] is JsonArray anyOf && anyOf.Count > 0)
        {
            return SchemaInstance(root, anyOf.FirstOrDefault(s => s?["type"]?.ToString() != "null") ?? anyOf[0], depth + 1);
        }

        var type = schema["type"] switch
        {
            JsonArray types => types.Select(t => t?.GetValue<string>()).FirstOrDefault(t => t != "null"),
            JsonNode node => node.GetValue<string>(),
            null => schema["properties"] is not null ? "object" : "string",
        };
        switch (type)
        {
            case "object":
                var instance = new JsonObject();
                foreach (var (name, property) in schema["properties"] as JsonObject ?? [])
                {
                    instance[name] = SchemaInstance(root, property, depth + 1);
                }

                return instance;
            case "array":
                return new JsonArray(SchemaInstance(root, schema["items"], depth + 1), SchemaInstance(root, schema["items"], depth + 1));
            case "integer":
                return 42;
            case "number":
                return 4.5;
            case "boolean":
                return true;
            default:
                return schema["format"]?.GetValue<string>() switch
                {
                    "date-time" => "2026-11-22T09:30:00Z",
                    "date" => "2026-11-22",
                    "uri" => "https://example.com/",
                    _ => "sample",
                };
        }
    }
}
