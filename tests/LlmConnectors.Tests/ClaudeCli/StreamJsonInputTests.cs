using System.Text.Json;
using LlmConnectors.ClaudeCli;
using Microsoft.Extensions.AI;

namespace LlmConnectors.Tests.ClaudeCli;

public sealed class StreamJsonInputTests
{
    [Fact]
    public void User_HistoryMessage_IsAppendedWithoutStartingATurn()
    {
        using var json = JsonDocument.Parse(StreamJsonInput.User(new ChatMessage(ChatRole.User, "earlier"), query: false));

        var root = json.RootElement;
        Assert.Equal("user", root.GetProperty("type").GetString());
        Assert.False(root.GetProperty("shouldQuery").GetBoolean());
        Assert.True(root.GetProperty("client_composed").GetBoolean());
        Assert.Equal("earlier", root.GetProperty("message").GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public void User_FinalMessageWithImage_CarriesBase64ImageBlock()
    {
        byte[] bytes = [1, 2, 3];
        var message = new ChatMessage(ChatRole.User, [new TextContent("look"), new DataContent(bytes, "image/jpeg")]);

        using var json = JsonDocument.Parse(StreamJsonInput.User(message, query: true));

        var root = json.RootElement;
        Assert.False(root.TryGetProperty("shouldQuery", out _));
        Assert.True(root.GetProperty("client_composed").GetBoolean());
        var image = root.GetProperty("message").GetProperty("content")[1];
        Assert.Equal("image", image.GetProperty("type").GetString());
        Assert.Equal("image/jpeg", image.GetProperty("source").GetProperty("media_type").GetString());
        Assert.Equal(Convert.ToBase64String(bytes), image.GetProperty("source").GetProperty("data").GetString());
    }

    [Fact]
    public void Initialize_SystemPromptAndSchema_TravelOnStandardInput()
    {
        var schema = JsonDocument.Parse("""{"type":"object"}""").RootElement;

        using var json = JsonDocument.Parse(StreamJsonInput.Initialize("init", ["Be terse.", "Use French."], schema));

        var request = json.RootElement.GetProperty("request");
        Assert.Equal("initialize", request.GetProperty("subtype").GetString());
        Assert.Equal(["Be terse.", "Use French."], request.GetProperty("systemPrompt").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("object", request.GetProperty("jsonSchema").GetProperty("type").GetString());
    }

    [Fact]
    public void FlagSettings_Model_UsesFlagSettingsWhichCostNoApiCall()
    {
        using var json = JsonDocument.Parse(StreamJsonInput.FlagSettings("model", "opus"));

        var request = json.RootElement.GetProperty("request");
        Assert.Equal("apply_flag_settings", request.GetProperty("subtype").GetString());
        Assert.Equal("opus", request.GetProperty("settings").GetProperty("model").GetString());
        Assert.False(request.GetProperty("settings").TryGetProperty("env", out _));
    }

    [Fact]
    public void FlagSettings_MaxOutputTokensOnly_SetsTheCliOutputLimitAndLeavesTheModel()
    {
        using var json = JsonDocument.Parse(StreamJsonInput.FlagSettings("model", model: null, maxOutputTokens: 77));

        var settings = json.RootElement.GetProperty("request").GetProperty("settings");
        Assert.False(settings.TryGetProperty("model", out _));
        Assert.Equal("77", settings.GetProperty("env").GetProperty("CLAUDE_CODE_MAX_OUTPUT_TOKENS").GetString());
    }
}
