using System.Text.Json;
using LlmConnectors.ClaudeCli;
using Microsoft.Extensions.AI;

namespace LlmConnectors.Tests.ClaudeCli;

public sealed class ClaudeCliRequestTests
{
    [Fact]
    public void Create_SchemaWithMetaSchema_DropsOnlyTheRootMetaSchemaAndLeavesTheCallersSchemaAlone()
    {
        var schema = JsonDocument.Parse("""{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","properties":{"a":{"$ref":"#/$defs/a"}},"$defs":{"a":{"type":"string"}}}""").RootElement;
        var options = new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema) };

        var request = ClaudeCliRequest.Create([new(ChatRole.User, "Hi")], options, new ClaudeCliOptions());

        var sent = request.JsonSchema!.Value;
        Assert.False(sent.TryGetProperty("$schema", out _));
        Assert.Equal("#/$defs/a", sent.GetProperty("properties").GetProperty("a").GetProperty("$ref").GetString());
        Assert.Equal("string", sent.GetProperty("$defs").GetProperty("a").GetProperty("type").GetString());
        Assert.True(((ChatResponseFormatJson)options.ResponseFormat).Schema!.Value.TryGetProperty("$schema", out _));
    }

    [Fact]
    public void Create_Instructions_ComeFirstInTheSystemPrompt()
    {
        var request = ClaudeCliRequest.Create(
            [new(ChatRole.System, "Answer in French."), new(ChatRole.User, "Hi")],
            new ChatOptions { Instructions = "You are the billing agent." },
            new ClaudeCliOptions());

        Assert.Equal(["You are the billing agent.", "Answer in French."], request.SystemPrompt);
    }
}
