using System.Text.Json;
using LlmConnectors.Tests.Validation;
using Microsoft.Extensions.AI;

namespace LlmConnectors.Tests.Json;

/// <summary>MEAI's own structured output (<c>GetResponseAsync&lt;T&gt;</c>) through <see cref="JsonEnforcingChatClient"/>.</summary>
public class JsonEnforcingChatClientStructuredOutputTests
{
    public enum Mood
    {
        Happy,
        Grumpy,
    }

    public sealed record Person(string Name, int Age);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MeaiGetResponseAsync_ObjectAnsweredInProseWithFence_ResultIsRead()
    {
        var inner = new ScriptedChatClient().EnqueueText("Here you go:\n```json\n{\"name\":\"Ada\",\"age\":36}\n```\nAnything else?");
        using var client = new JsonEnforcingChatClient(inner);

        var response = await client.GetResponseAsync<Person>("Who?", cancellationToken: Ct);

        Assert.Equal(new Person("Ada", 36), response.Result);
        Assert.Equal("{\"name\":\"Ada\",\"age\":36}", response.Text);

        // No native support known: the format is replaced by the instruction, which carries MEAI's schema, "$schema" included.
        var call = Assert.Single(inner.Calls);
        Assert.Null(call.Options!.ResponseFormat);
        Assert.Contains("\"$schema\":\"https://json-schema.org/draft/2020-12/schema\"", call.Messages[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MeaiGetResponseAsync_NativeSupport_PassesMeaiFormatAndCleansTheAnswer()
    {
        var inner = new ScriptedChatClient().EnqueueText("```json\n{\"name\":\"Ada\",\"age\":36}\n```");
        using var client = new JsonEnforcingChatClient(inner) { AssumeNativeSupportWhenUnknown = true };

        var response = await client.GetResponseAsync<Person>("Who?", cancellationToken: Ct);

        Assert.Equal(new Person("Ada", 36), response.Result);
        var format = Assert.IsType<ChatResponseFormatJson>(Assert.Single(inner.Calls).Options!.ResponseFormat);
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", format.Schema!.Value.GetProperty("$schema").GetString());
    }

    [Fact]
    public async Task MeaiGetResponseAsync_IntegerWrappedInData_ResultIsRead()
    {
        var inner = new ScriptedChatClient().EnqueueText("The answer is {\"data\": 42}.");
        using var client = new JsonEnforcingChatClient(inner) { AssumeNativeSupportWhenUnknown = true };

        var response = await client.GetResponseAsync<int>("How many?", cancellationToken: Ct);

        Assert.Equal(42, response.Result);
        var schema = ((ChatResponseFormatJson)inner.Calls[0].Options!.ResponseFormat!).Schema!.Value;
        Assert.Equal("integer", schema.GetProperty("properties").GetProperty("data").GetProperty("type").GetString());
    }

    [Fact]
    public async Task MeaiGetResponseAsync_ListAndEnumWrapped_ResultsAreRead()
    {
        var inner = new ScriptedChatClient()
            .EnqueueText("{\"data\":[{\"name\":\"Ada\",\"age\":36},{\"name\":\"Alan\",\"age\":41}]}")
            .EnqueueText("```\n{\"data\":\"Grumpy\"}\n```");
        using var client = new JsonEnforcingChatClient(inner);

        var people = await client.GetResponseAsync<List<Person>>("Who?", cancellationToken: Ct);
        var mood = await client.GetResponseAsync<Mood>("Mood?", cancellationToken: Ct);

        Assert.Equal([new Person("Ada", 36), new Person("Alan", 41)], people.Result);
        Assert.Equal(Mood.Grumpy, mood.Result);
    }

    [Theory]
    [InlineData("{\"name\":\"Ada\",\"age\":\"old\"}", "$.age: type: Value is \"string\" but should be \"integer\"")]
    [InlineData("{\"name\":\"Ada\"}", "$: required: Required properties [\"age\"] are not present")]
    public async Task MeaiGetResponseAsync_SchemaViolation_ThrowsTheErrors(string answer, string error)
    {
        var inner = new ScriptedChatClient().EnqueueText(answer);
        using var client = new JsonEnforcingChatClient(inner);

        var ex = await Assert.ThrowsAsync<JsonEnforcementException>(() => client.GetResponseAsync<Person>("Who?", cancellationToken: Ct));

        Assert.Equal(JsonEnforcementFailureKind.SchemaViolation, ex.FailureKind);
        Assert.Equal([error], ex.Errors);
    }

    [Theory]
    [InlineData("""{"$schema":"http://json-schema.org/draft-07/schema#","type":"object","properties":{"age":{"$ref":"#/definitions/Age"}},"required":["age"],"definitions":{"Age":{"type":"integer","minimum":0}}}""")]
    [InlineData("""{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","properties":{"age":{"$ref":"#/$defs/Age"}},"required":["age"],"$defs":{"Age":{"type":"integer","minimum":0}}}""")]
    [InlineData("""{"type":"object","properties":{"age":{"$ref":"#/$defs/Age"}},"required":["age"],"$defs":{"Age":{"type":"integer","minimum":0}}}""")]
    public async Task GetResponseAsync_SchemaWithDraftAndReferences_EnforcesTheReferencedSchema(string schema)
    {
        var inner = new ScriptedChatClient().EnqueueText("```json\n{\"age\":-1}\n```").EnqueueText("Sure: {\"age\":3}");
        using var client = new JsonEnforcingChatClient(inner);
        var options = new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(JsonDocument.Parse(schema).RootElement) };

        var ex = await Assert.ThrowsAsync<JsonEnforcementException>(() => client.GetResponseAsync("q", options, Ct));
        var response = await client.GetResponseAsync("q", options, Ct);

        Assert.Equal(("$.age", "minimum"), (Assert.Single(ex.SchemaErrors).Path, ex.SchemaErrors[0].Keyword));
        Assert.Equal("{\"age\":3}", response.Text);
    }

    [Fact]
    public async Task MeaiGetResponseAsync_WrappedValueOfWrongType_ThrowsWithDataPath()
    {
        var inner = new ScriptedChatClient().EnqueueText("{\"data\":\"forty-two\"}");
        using var client = new JsonEnforcingChatClient(inner);

        var ex = await Assert.ThrowsAsync<JsonEnforcementException>(() => client.GetResponseAsync<int>("How many?", cancellationToken: Ct));

        Assert.Equal("$.data", Assert.Single(ex.SchemaErrors).Path);
    }

    [Fact]
    public async Task MeaiGetResponseAsync_BehindRetryWithValidation_AsksAgainWithTheSchemaErrors()
    {
        var inner = new ScriptedChatClient().EnqueueText("{\"name\":\"Ada\",\"age\":\"old\"}").EnqueueText("{\"name\":\"Ada\",\"age\":36}");
        using var client = new RetryWithValidationChatClient(new JsonEnforcingChatClient(inner));

        var response = await client.GetResponseAsync<Person>("Who?", cancellationToken: Ct);

        Assert.Equal(36, response.Result.Age);
        Assert.Contains("$.age: type: Value is \"string\" but should be \"integer\"", inner.Calls[1].Messages[^1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MeaiGetStreamingResponseAsync_MeaiFormatWithFence_StreamsTheCleanJson()
    {
        var inner = new ScriptedChatClient().EnqueueStream(null, "Sure:\n```json\n{\"name\":", "\"Ada\",\"age\":36}\n```");
        using var client = new JsonEnforcingChatClient(inner);
        var options = new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema<Person>() };

        var response = await client.GetStreamingResponseAsync("Who?", options, Ct).ToChatResponseAsync(Ct);

        Assert.Equal("{\"name\":\"Ada\",\"age\":36}", response.Text);
    }

    [Fact]
    public async Task GetResponseAsync_SchemaJsonSchemaNetRejects_ThrowsBeforeCallingTheModel()
    {
        var inner = new ScriptedChatClient().EnqueueText("{}");
        using var client = new JsonEnforcingChatClient(inner) { AssumeNativeSupportWhenUnknown = true };
        var options = new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(JsonDocument.Parse("""{"type":"text"}""").RootElement) };

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => client.GetResponseAsync("q", options, Ct));

        Assert.Contains("text", ex.Message, StringComparison.Ordinal);
        Assert.Empty(inner.Calls);
    }

    [Fact]
    public async Task GetJsonResponseAsync_SendsTheSameFormatAsMeai()
    {
        await AssertSameFormat<Person>("{\"name\":\"Ada\",\"age\":36}");
        await AssertSameFormat<int>("{\"data\":1}");
        await AssertSameFormat<List<Person>>("{\"data\":[]}");
        await AssertSameFormat<Mood>("{\"data\":\"Happy\"}");
        await AssertSameFormat<string>("{\"data\":\"x\"}");
    }

    [Fact]
    public async Task GetJsonResponseAsync_WrappedInteger_ReadsTheValue()
    {
        var inner = new ScriptedChatClient().EnqueueText("```json\n{\"data\":42}\n```");

        var result = await inner.GetJsonResponseAsync<int>("How many?", cancellationToken: Ct);

        Assert.Equal(42, result.Result);
    }

    private static async Task AssertSameFormat<T>(string answer)
    {
        var inner = new ScriptedChatClient().EnqueueText(answer).EnqueueText(answer);

        await inner.GetResponseAsync<T>("q", cancellationToken: Ct);
        await inner.GetJsonResponseAsync<T>("q", cancellationToken: Ct);

        var meai = Assert.IsType<ChatResponseFormatJson>(inner.Calls[0].Options!.ResponseFormat);
        var ours = Assert.IsType<ChatResponseFormatJson>(inner.Calls[1].Options!.ResponseFormat);
        Assert.True(JsonElement.DeepEquals(meai.Schema!.Value, ours.Schema!.Value), $"{typeof(T).Name}: MEAI {meai.Schema} but ours {ours.Schema}");
        Assert.Equal(meai.SchemaName, ours.SchemaName);
        Assert.Equal(meai.SchemaDescription, ours.SchemaDescription);
    }
}
