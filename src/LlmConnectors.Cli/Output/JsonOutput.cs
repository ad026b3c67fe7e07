using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlmConnectors.Cli.Output;

/// <summary>Writes <c>--json</c> output: one JSON document on stdout, indented, camelCase members.</summary>
internal static class JsonOutput
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void Write(JsonNode node) => Console.Out.WriteLine(node.ToJsonString(Options));
}
