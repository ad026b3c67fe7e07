using System.Text.Json;
using LlmConnectors.OpenAICompatible;

namespace LlmConnectors.Tests.OpenAICompatible;

public class HotPathConverterTests
{
    [Fact]
    public void RepeatedStrings_SameValueAcrossChunks_SameInstanceAndCorrectValues()
    {
        const string Chunk = """{"id":"gen-1","object":"chat.completion.chunk","model":"a/b","provider":"P","choices":[{"index":0,"delta":{"role":"assistant"},"finish_reason":"stop"}]}""";

        var first = JsonSerializer.Deserialize(Chunk, OpenAIWireJsonContext.Default.ChatCompletionResponse)!;
        var second = JsonSerializer.Deserialize(Chunk, OpenAIWireJsonContext.Default.ChatCompletionResponse)!;
        var other = JsonSerializer.Deserialize(Chunk.Replace("gen-1", "gen-2", StringComparison.Ordinal).Replace("\"a/b\"", "\"a\\/c\"", StringComparison.Ordinal), OpenAIWireJsonContext.Default.ChatCompletionResponse)!;

        Assert.Equal(("gen-1", "chat.completion.chunk", "a/b", "P", "assistant", "stop"), (second.Id, second.Object, second.Model, second.Provider, second.Choices![0].Delta!.Role, second.Choices[0].FinishReason));
        Assert.Same(first.Id, second.Id);
        Assert.Same(first.Model, second.Model);
        Assert.Equal("gen-2", other.Id);
        Assert.Equal("a/c", other.Model);
        Assert.Contains("\"model\":\"a/b\"", JsonSerializer.Serialize(first, OpenAIWireJsonContext.Default.ChatCompletionResponse), StringComparison.Ordinal);
    }

    [Fact]
    public void RepeatedStrings_NotAString_ThrowsJsonException()
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize("""{"model":5}""", OpenAIWireJsonContext.Default.ChatCompletionResponse));
    }

    [Theory]
    [InlineData("""{"reasoning_details":[]}""", null)]
    [InlineData("""{"reasoning_details":null}""", null)]
    [InlineData("""{"reasoning_details":[ ]}""", null)]
    [InlineData("""{"reasoning_details":[{"type":"reasoning.text","text":"t"}]}""", """[{"type":"reasoning.text","text":"t"}]""")]
    public void ReasoningDetails_EmptyArrayIsNull_OtherwiseRawJson(string json, string? expected)
    {
        var message = JsonSerializer.Deserialize(json, OpenAIWireJsonContext.Default.ChatCompletionResponse.Options.GetTypeInfo(typeof(ChatCompletionMessage)));

        var details = ((ChatCompletionMessage)message!).ReasoningDetails;

        Assert.Equal(expected, details?.GetRawText());
    }

    [Fact]
    public void ReasoningDetails_WrittenBackUnchanged()
    {
        var message = new ChatCompletionMessage { Role = "assistant", ReasoningDetails = JsonDocument.Parse("""[{"type":"reasoning.encrypted","data":"x"}]""").RootElement };

        var json = JsonSerializer.Serialize(message, OpenAIWireJsonContext.Default.ChatCompletionResponse.Options.GetTypeInfo(typeof(ChatCompletionMessage)));

        Assert.Equal("""{"role":"assistant","reasoning_details":[{"type":"reasoning.encrypted","data":"x"}]}""", json);
    }
}
