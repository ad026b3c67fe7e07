using System.Text.Json;
using LlmConnectors.OpenAICompatible;
using Microsoft.Extensions.AI;

namespace LlmConnectors.Tests.OpenAICompatible;

public class OpenAIRequestMapperTests
{
    private static readonly OpenAICompatibleClientOptions Settings = new()
    {
        ProviderName = "test",
        Endpoint = new Uri("http://localhost/v1"),
        HttpClient = new HttpClient(),
        DefaultModelId = "default/model",
        ModelIdSettingName = "Test:ModelId",
    };

    private static JsonElement Map(IEnumerable<ChatMessage> messages, ChatOptions? options = null, OpenAICompatibleClientOptions? settings = null, bool stream = false)
    {
        var request = OpenAIRequestMapper.CreateRequest(messages, options, settings ?? Settings, stream);
        using var document = JsonDocument.Parse(JsonSerializer.SerializeToUtf8Bytes(request, OpenAIWireJsonContext.Default.ChatCompletionRequest));
        return document.RootElement.Clone();
    }

    private static JsonElement Map(ChatOptions options) => Map([new ChatMessage(ChatRole.User, "hi")], options);

    [Fact]
    public void CreateRequest_Roles_MapToSystemUserAssistantTool()
    {
        var json = Map(
        [
            new ChatMessage(ChatRole.System, "be brief"),
            new ChatMessage(ChatRole.User, "hello") { AuthorName = "alice" },
            new ChatMessage(ChatRole.Assistant, "hi there"),
            new ChatMessage(ChatRole.Tool, [new FunctionResultContent("call_1", "42")]),
        ]);

        var messages = json.GetProperty("messages");
        Assert.Equal(["system", "user", "assistant", "tool"], messages.EnumerateArray().Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("be brief", messages[0].GetProperty("content").GetString());
        Assert.Equal("alice", messages[1].GetProperty("name").GetString());
        Assert.Equal("hi there", messages[2].GetProperty("content").GetString());
        Assert.Equal("call_1", messages[3].GetProperty("tool_call_id").GetString());
        Assert.Equal("42", messages[3].GetProperty("content").GetString());
        Assert.Equal("default/model", json.GetProperty("model").GetString());
        Assert.False(json.TryGetProperty("stream", out _));
    }

    [Fact]
    public void CreateRequest_Instructions_PrependedAsSystemMessage()
    {
        var json = Map([new ChatMessage(ChatRole.User, "hi")], new ChatOptions { Instructions = "You are terse." });

        Assert.Equal("system", json.GetProperty("messages")[0].GetProperty("role").GetString());
        Assert.Equal("You are terse.", json.GetProperty("messages")[0].GetProperty("content").GetString());
    }

    [Fact]
    public void CreateRequest_Stream_AsksForUsage()
    {
        var json = Map([new ChatMessage(ChatRole.User, "hi")], stream: true);

        Assert.True(json.GetProperty("stream").GetBoolean());
        Assert.True(json.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
    }

    [Fact]
    public void CreateRequest_MultimodalUserMessage_MapsEveryPartKind()
    {
        var png = new DataContent(new byte[] { 1, 2, 3 }, "image/png") { AdditionalProperties = new() { ["detail"] = "low" } };
        var pdf = new DataContent(new byte[] { 4, 5 }, "application/pdf") { Name = "report.pdf" };
        var unnamedPdf = new DataContent(new byte[] { 4, 5 }, "application/pdf");
        var wav = new DataContent(new byte[] { 6 }, "audio/wav");
        var mp3 = new DataContent(new byte[] { 7 }, "audio/mpeg");
        var remoteImage = new UriContent(new Uri("https://example.com/cat.jpg"), "image/jpeg");
        var remotePdf = new UriContent(new Uri("https://example.com/docs/paper.pdf"), "application/pdf");

        var json = Map([new ChatMessage(ChatRole.User, [new TextContent("look"), png, pdf, unnamedPdf, wav, mp3, remoteImage, remotePdf])]);

        var parts = json.GetProperty("messages")[0].GetProperty("content");
        Assert.Equal(["text", "image_url", "file", "file", "input_audio", "input_audio", "image_url", "file"], parts.EnumerateArray().Select(p => p.GetProperty("type").GetString()));
        Assert.Equal("look", parts[0].GetProperty("text").GetString());
        Assert.Equal("data:image/png;base64,AQID", parts[1].GetProperty("image_url").GetProperty("url").GetString());
        Assert.Equal("low", parts[1].GetProperty("image_url").GetProperty("detail").GetString());
        Assert.Equal("report.pdf", parts[2].GetProperty("file").GetProperty("filename").GetString());
        Assert.Equal("data:application/pdf;base64,BAU=", parts[2].GetProperty("file").GetProperty("file_data").GetString());
        Assert.Equal("document.pdf", parts[3].GetProperty("file").GetProperty("filename").GetString());
        Assert.Equal("Bg==", parts[4].GetProperty("input_audio").GetProperty("data").GetString());
        Assert.Equal("wav", parts[4].GetProperty("input_audio").GetProperty("format").GetString());
        Assert.Equal("mp3", parts[5].GetProperty("input_audio").GetProperty("format").GetString());
        Assert.Equal("https://example.com/cat.jpg", parts[6].GetProperty("image_url").GetProperty("url").GetString());
        Assert.Equal("paper.pdf", parts[7].GetProperty("file").GetProperty("filename").GetString());
        Assert.Equal("https://example.com/docs/paper.pdf", parts[7].GetProperty("file").GetProperty("file_data").GetString());
    }

    [Fact]
    public void CreateRequest_AssistantToolCallsAndResults_MapToToolCallsAndToolMessages()
    {
        var call = new FunctionCallContent("call_1", "get_weather", new Dictionary<string, object?> { ["city"] = "Paris", ["days"] = 2 });
        var json = Map(
        [
            new ChatMessage(ChatRole.User, "weather?"),
            new ChatMessage(ChatRole.Assistant, [new TextContent("Checking."), call]),
            new ChatMessage(ChatRole.Tool, [
                new FunctionResultContent("call_1", new Dictionary<string, object?> { ["temp"] = 21 }),
                new FunctionResultContent("call_2", JsonDocument.Parse("\"plain\"").RootElement),
            ]),
        ]);

        var messages = json.GetProperty("messages");
        var assistant = messages[1];
        Assert.Equal("Checking.", assistant.GetProperty("content").GetString());
        var toolCall = assistant.GetProperty("tool_calls")[0];
        Assert.Equal("call_1", toolCall.GetProperty("id").GetString());
        Assert.Equal("function", toolCall.GetProperty("type").GetString());
        Assert.Equal("get_weather", toolCall.GetProperty("function").GetProperty("name").GetString());
        using var arguments = JsonDocument.Parse(toolCall.GetProperty("function").GetProperty("arguments").GetString()!);
        Assert.Equal("Paris", arguments.RootElement.GetProperty("city").GetString());
        Assert.Equal(2, arguments.RootElement.GetProperty("days").GetInt32());
        Assert.Equal("""{"temp":21}""", messages[2].GetProperty("content").GetString());
        Assert.Equal("plain", messages[3].GetProperty("content").GetString());
        Assert.Equal("call_2", messages[3].GetProperty("tool_call_id").GetString());
    }

    [Fact]
    public void CreateRequest_AssistantWithOnlyToolCalls_SendsNoContent()
    {
        var json = Map([new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("c", "f")])]);

        var assistant = json.GetProperty("messages")[0];
        Assert.False(assistant.TryGetProperty("content", out _));
        Assert.Equal("{}", assistant.GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetString());
    }

    [Fact]
    public void CreateRequest_ReasoningContent_SendsReasoningAndDetailsBackUnchanged()
    {
        const string Details = """[{"type":"reasoning.encrypted","data":"ZW5j==","id":"r1","format":"google-gemini-v1","index":0}]""";
        var fromAdditionalProperties = new TextReasoningContent("thinking...") { AdditionalProperties = new() { ["reasoning_details"] = JsonDocument.Parse(Details).RootElement } };
        var fromProtectedData = new TextReasoningContent("") { ProtectedData = """[{"type":"reasoning.text","text":"more","index":1}]""" };

        var json = Map([new ChatMessage(ChatRole.Assistant, [fromAdditionalProperties, fromProtectedData, new FunctionCallContent("c1", "f")])]);

        var assistant = json.GetProperty("messages")[0];
        Assert.Equal("thinking...", assistant.GetProperty("reasoning").GetString());
        var details = assistant.GetProperty("reasoning_details");
        Assert.Equal(2, details.GetArrayLength());
        Assert.Equal(JsonDocument.Parse(Details).RootElement[0].GetRawText(), details[0].GetRawText());
        Assert.Equal("more", details[1].GetProperty("text").GetString());
    }

    [Fact]
    public void CreateRequest_SamplingOptions_MapToWireMembers()
    {
        var json = Map(new ChatOptions
        {
            ModelId = "vendor/model",
            Temperature = 0.5f,
            TopP = 0.9f,
            TopK = 40,
            MaxOutputTokens = 256,
            StopSequences = ["END", "STOP"],
            Seed = 7,
            FrequencyPenalty = 0.1f,
            PresencePenalty = 0.2f,
        });

        Assert.Equal("vendor/model", json.GetProperty("model").GetString());
        Assert.Equal(0.5, json.GetProperty("temperature").GetDouble(), 3);
        Assert.Equal(0.9, json.GetProperty("top_p").GetDouble(), 3);
        Assert.Equal(40, json.GetProperty("top_k").GetInt32());
        Assert.Equal(256, json.GetProperty("max_tokens").GetInt32());
        Assert.Equal(["END", "STOP"], json.GetProperty("stop").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(7, json.GetProperty("seed").GetInt64());
        Assert.Equal(0.1, json.GetProperty("frequency_penalty").GetDouble(), 3);
        Assert.Equal(0.2, json.GetProperty("presence_penalty").GetDouble(), 3);
    }

    [Fact]
    public void CreateRequest_NoOptions_SendsOnlyModelAndMessages()
    {
        var json = Map([new ChatMessage(ChatRole.User, "hi")]);

        Assert.Equal(["model", "messages"], json.EnumerateObject().Select(p => p.Name));
    }

    public static TheoryData<string, string> ToolModes => new()
    {
        { "auto", "\"auto\"" },
        { "none", "\"none\"" },
        { "required", "\"required\"" },
        { "named", """{"type":"function","function":{"name":"get_weather"}}""" },
    };

    [Theory]
    [MemberData(nameof(ToolModes))]
    public void CreateRequest_ToolMode_MapsToToolChoice(string mode, string expected)
    {
        var tool = AIFunctionFactory.Create((string city) => city, "get_weather", "Gets the weather.");
        var options = new ChatOptions
        {
            Tools = [tool],
            AllowMultipleToolCalls = false,
            ToolMode = mode switch
            {
                "auto" => ChatToolMode.Auto,
                "none" => ChatToolMode.None,
                "required" => ChatToolMode.RequireAny,
                _ => ChatToolMode.RequireSpecific("get_weather"),
            },
        };

        var json = Map(options);

        Assert.Equal(expected, json.GetProperty("tool_choice").GetRawText());
        Assert.False(json.GetProperty("parallel_tool_calls").GetBoolean());
        var function = json.GetProperty("tools")[0];
        Assert.Equal("function", function.GetProperty("type").GetString());
        Assert.Equal("get_weather", function.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("Gets the weather.", function.GetProperty("function").GetProperty("description").GetString());
        Assert.Equal("string", function.GetProperty("function").GetProperty("parameters").GetProperty("properties").GetProperty("city").GetProperty("type").GetString());
    }

    [Fact]
    public void CreateRequest_ResponseFormats_MapToTextJsonObjectAndJsonSchema()
    {
        var schema = JsonDocument.Parse("""{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}""").RootElement;

        var text = Map(new ChatOptions { ResponseFormat = ChatResponseFormat.Text });
        var jsonObject = Map(new ChatOptions { ResponseFormat = ChatResponseFormat.Json });
        var jsonSchema = Map(new ChatOptions
        {
            ResponseFormat = ChatResponseFormat.ForJsonSchema(schema, "person", "A person."),
            AdditionalProperties = new() { ["strictJsonSchema"] = true },
        });
        var unnamed = Map(new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema) });

        Assert.Equal("""{"type":"text"}""", text.GetProperty("response_format").GetRawText());
        Assert.Equal("""{"type":"json_object"}""", jsonObject.GetProperty("response_format").GetRawText());
        var format = jsonSchema.GetProperty("response_format");
        Assert.Equal("json_schema", format.GetProperty("type").GetString());
        Assert.Equal("person", format.GetProperty("json_schema").GetProperty("name").GetString());
        Assert.Equal("A person.", format.GetProperty("json_schema").GetProperty("description").GetString());
        Assert.True(format.GetProperty("json_schema").GetProperty("strict").GetBoolean());
        Assert.Equal(schema.GetRawText(), format.GetProperty("json_schema").GetProperty("schema").GetRawText());
        Assert.False(jsonSchema.TryGetProperty("strictJsonSchema", out _));
        Assert.Equal("response", unnamed.GetProperty("response_format").GetProperty("json_schema").GetProperty("name").GetString());
        Assert.False(unnamed.GetProperty("response_format").GetProperty("json_schema").TryGetProperty("strict", out _));
    }

    [Theory]
    [InlineData(ReasoningEffort.Low, "low")]
    [InlineData(ReasoningEffort.High, "high")]
    [InlineData(ReasoningEffort.ExtraHigh, "xhigh")]
    [InlineData(ReasoningEffort.None, "none")]
    public void CreateRequest_ReasoningEffort_MapsToReasoningEffort(ReasoningEffort effort, string expected)
    {
        var json = Map(new ChatOptions { Reasoning = new ReasoningOptions { Effort = effort } });

        Assert.Equal(expected, json.GetProperty("reasoning_effort").GetString());
    }

    [Fact]
    public void CreateRequest_UserAndUnmappedAdditionalProperties_PassedThroughIntoTheBody()
    {
        var json = Map(new ChatOptions
        {
            AdditionalProperties = new()
            {
                ["user"] = "user-123",
                ["transforms"] = new[] { "middle-out" },
                ["top_a"] = 0.2,
                ["usage"] = JsonDocument.Parse("""{"include":true}""").RootElement,
                ["metadata"] = new Dictionary<string, object?> { ["tenant"] = "t1" },
                ["logprobs"] = true,
            },
        });

        Assert.Equal("user-123", json.GetProperty("user").GetString());
        Assert.Equal("middle-out", json.GetProperty("transforms")[0].GetString());
        Assert.Equal(0.2, json.GetProperty("top_a").GetDouble(), 3);
        Assert.True(json.GetProperty("usage").GetProperty("include").GetBoolean());
        Assert.Equal("t1", json.GetProperty("metadata").GetProperty("tenant").GetString());
        Assert.True(json.GetProperty("logprobs").GetBoolean());
    }

    [Fact]
    public void CreateRequest_NoModel_ThrowsNamingTheSetting()
    {
        var settings = new OpenAICompatibleClientOptions { ProviderName = "test", Endpoint = new Uri("http://localhost/"), HttpClient = new HttpClient(), ModelIdSettingName = "Test:ModelId" };

        var ex = Assert.Throws<InvalidOperationException>(() => Map([new ChatMessage(ChatRole.User, "hi")], settings: settings));

        Assert.Contains("ChatOptions.ModelId", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Test:ModelId", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateRequest_HooksConfigured_MapModelAndAddExtrasWithoutPassingConsumedKeys()
    {
        var settings = new OpenAICompatibleClientOptions
        {
            ProviderName = "test",
            Endpoint = new Uri("http://localhost/"),
            HttpClient = new HttpClient(),
            MapModelId = id => id.StartsWith("max/", StringComparison.Ordinal) ? id[4..] : id,
            ConfigureRequest = (request, options) => (request.ExtensionData ??= [])["custom"] = JsonDocument.Parse("1").RootElement,
            ConsumedAdditionalProperties = new HashSet<string> { "secret_extra" },
        };

        var json = Map([new ChatMessage(ChatRole.User, "hi")], new ChatOptions { ModelId = "max/claude-sonnet", AdditionalProperties = new() { ["secret_extra"] = "x" } }, settings);

        Assert.Equal("claude-sonnet", json.GetProperty("model").GetString());
        Assert.Equal(1, json.GetProperty("custom").GetInt32());
        Assert.False(json.TryGetProperty("secret_extra", out _));
    }

    [Fact]
    public void CreateRequest_CallerOptionsAndMessages_NotMutated()
    {
        var options = new ChatOptions { ModelId = "m", AdditionalProperties = new() { ["user"] = "u" } };
        List<ChatMessage> messages = [new(ChatRole.User, "hi")];

        _ = Map(messages, options);

        Assert.Single(messages);
        Assert.Single(options.AdditionalProperties);
        Assert.Equal("m", options.ModelId);
    }
}
