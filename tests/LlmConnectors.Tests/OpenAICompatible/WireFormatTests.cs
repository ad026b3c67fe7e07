using System.Text;
using System.Text.Json;
using LlmConnectors.OpenAICompatible;

namespace LlmConnectors.Tests.OpenAICompatible;

public class WireFormatTests
{
    [Fact]
    public void Request_ContentAsStringOrParts_RoundTrips()
    {
        const string Json = """
            {"model":"m","messages":[
              {"role":"system","content":"be brief"},
              {"role":"user","content":[{"type":"text","text":"what is this?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA","detail":"low"}}]},
              {"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}}]}
            ],"stop":"END","tool_choice":{"type":"function","function":{"name":"f"}},"provider":{"order":["a"]}}
            """;

        var request = JsonSerializer.Deserialize(Json, OpenAIWireJsonContext.Default.ChatCompletionRequest)!;

        Assert.Equal("be brief", request.Messages![0].Content!.Text);
        Assert.Equal("data:image/png;base64,AAAA", request.Messages[1].Content!.Parts![1].ImageUrl!.Url);
        Assert.Null(request.Messages[2].Content);
        Assert.Equal("{\"a\":1}", request.Messages[2].ToolCalls![0].Function!.Arguments);
        Assert.Equal(["END"], request.Stop);
        Assert.Equal("f", request.ToolChoice!.FunctionName);
        Assert.True(request.ExtensionData!.ContainsKey("provider"));

        var written = JsonSerializer.Serialize(request, OpenAIWireJsonContext.Default.ChatCompletionRequest);
        using var doc = JsonDocument.Parse(written);
        Assert.Equal(JsonValueKind.String, doc.RootElement.GetProperty("messages")[0].GetProperty("content").ValueKind);
        Assert.Equal(JsonValueKind.Array, doc.RootElement.GetProperty("messages")[1].GetProperty("content").ValueKind);
        Assert.Equal("f", doc.RootElement.GetProperty("tool_choice").GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("a", doc.RootElement.GetProperty("provider").GetProperty("order")[0].GetString());
        Assert.False(doc.RootElement.TryGetProperty("temperature", out _));
    }

    [Theory]
    [InlineData("""{"messages":[{"role":"user","content":42}]}""", "'content' must be a string")]
    [InlineData("""{"stop":[1]}""", "'stop' must be a string or an array of strings")]
    [InlineData("""{"tool_choice":{"type":"function"}}""", "must name a function")]
    public void Request_WrongTypes_ThrowWithTheMemberName(string json, string expected)
    {
        var ex = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize(json, OpenAIWireJsonContext.Default.ChatCompletionRequest));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ErrorBody_NumericOrStringCode_ReadAsString()
    {
        var openRouter = JsonSerializer.Deserialize("""{"error":{"code":402,"message":"no credits","metadata":{"provider_name":"x"}}}""", OpenAIWireJsonContext.Default.ErrorResponse)!;
        var openAI = JsonSerializer.Deserialize("""{"error":{"code":"model_not_found","message":"m","type":"invalid_request_error","param":"model"}}""", OpenAIWireJsonContext.Default.ErrorResponse)!;

        Assert.Equal("402", openRouter.Error!.Code);
        Assert.Equal("x", openRouter.Error.Metadata!.Value.GetProperty("provider_name").GetString());
        Assert.Equal("model_not_found", openAI.Error!.Code);
        Assert.Equal("model", openAI.Error.Param);
    }

    [Fact]
    public async Task SseReader_SkipsCommentsAndEmptyEvents_StopsAtDone()
    {
        const string Sse = ": OPENROUTER PROCESSING\n\n" +
            "data: {\"id\":\"gen-1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]}\n\n" +
            ": OPENROUTER PROCESSING\n\n" +
            "data: {\"id\":\"gen-1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},\"finish_reason\":\"stop\"}]}\n\n" +
            "data: [DONE]\n\n" +
            "data: {\"id\":\"after-done\"}\n\n";
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(Sse));

        var chunks = new List<ChatCompletionResponse>();
        await foreach (var chunk in OpenAISseReader.ReadChunksAsync(stream, TestContext.Current.CancellationToken))
        {
            chunks.Add(chunk);
        }

        Assert.Equal(["Hel", "lo"], chunks.Select(c => c.Choices![0].Delta!.Content!.Text));
        Assert.Equal("stop", chunks[1].Choices![0].FinishReason);
    }

    [Fact]
    public async Task SseReader_MalformedEvent_ThrowsJsonException()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes("data: {\"id\":\n\n"));

        await Assert.ThrowsAnyAsync<JsonException>(async () =>
        {
            await foreach (var _ in OpenAISseReader.ReadChunksAsync(stream, TestContext.Current.CancellationToken))
            {
            }
        });
    }
}
