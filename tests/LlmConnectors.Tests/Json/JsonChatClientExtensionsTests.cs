using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization;
using LlmConnectors.Tests.Validation;
using Microsoft.Extensions.AI;

namespace LlmConnectors.Tests.Json;

public class JsonChatClientExtensionsTests
{
    public sealed record Person(string Name, int Age, string? Nickname);

    public sealed class Customer
    {
        [Required]
        [StringLength(10)]
        public string? Name { get; set; }

        [Range(0, 150)]
        public int Age { get; set; }

        public Address? Address { get; set; }

        public List<Address> OtherAddresses { get; set; } = [];
    }

    public sealed class Address
    {
        [Required]
        public string? City { get; set; }

        [JsonPropertyName("zip")]
        [RegularExpression("^[0-9]{5}$")]
        public string? PostalCode { get; set; }
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetJsonResponseAsync_FencedAnswer_ReturnsTypedResult()
    {
        var inner = new ScriptedChatClient().EnqueueText("```json\n{\"name\":\"Ada\",\"age\":36,\"nickname\":null}\n```");

        var result = await inner.GetJsonResponseAsync<Person>("Who?", cancellationToken: Ct);

        Assert.Equal(new Person("Ada", 36, null), result.Result);
        Assert.Equal("{\"name\":\"Ada\",\"age\":36,\"nickname\":null}", result.Json);
        Assert.Contains("```", result.Response.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetJsonResponseAsync_SendsSchemaFormatWithoutTouchingCallerOptions()
    {
        var inner = new ScriptedChatClient().EnqueueText("{\"name\":\"Ada\",\"age\":36,\"nickname\":null}").EnqueueText("{\"name\":\"Bob\",\"age\":1,\"nickname\":null}");
        var options = new ChatOptions { ModelId = "m", Temperature = 0.5f };

        await inner.GetJsonResponseAsync<Person>("Who?", options, cancellationToken: Ct);
        await inner.GetJsonResponseAsync<Person>("Who?", options, cancellationToken: Ct);

        var format = Assert.IsType<ChatResponseFormatJson>(inner.Calls[0].Options!.ResponseFormat);
        Assert.NotNull(format.Schema);
        Assert.Contains("\"age\"", format.Schema.Value.GetRawText(), StringComparison.Ordinal);
        Assert.Equal("m", inner.Calls[0].Options!.ModelId);
        Assert.Equal(0.5f, inner.Calls[0].Options!.Temperature);
        Assert.Null(options.ResponseFormat);
        Assert.NotSame(options, inner.Calls[0].Options);

        // One format object per type and options, so that middlewares can cache by it.
        Assert.Same(inner.Calls[0].Options!.ResponseFormat, inner.Calls[1].Options!.ResponseFormat);
    }

    [Fact]
    public async Task GetJsonResponseAsync_IncludeSchemaOff_SendsPlainJson()
    {
        var inner = new ScriptedChatClient().EnqueueText("{\"name\":\"Ada\",\"age\":36,\"nickname\":null}");

        await inner.GetJsonResponseAsync<Person>("Who?", jsonOptions: new JsonResponseOptions { IncludeSchema = false }, cancellationToken: Ct);

        Assert.Same(ChatResponseFormat.Json, inner.Calls[0].Options!.ResponseFormat);
    }

    [Fact]
    public async Task GetJsonResponseAsync_MissingRequiredConstructorParameter_Throws()
    {
        var inner = new ScriptedChatClient().EnqueueText("{\"name\":\"Ada\",\"nickname\":null}");

        var ex = await Assert.ThrowsAsync<JsonEnforcementException>(() => inner.GetJsonResponseAsync<Person>("Who?", cancellationToken: Ct));

        Assert.Equal(JsonEnforcementFailureKind.DeserializationFailed, ex.FailureKind);
        Assert.Contains("age", Assert.Single(ex.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetJsonResponseAsync_RequiredParametersNotRespected_UsesDefault()
    {
        var inner = new ScriptedChatClient().EnqueueText("{\"name\":\"Ada\"}");

        var result = await inner.GetJsonResponseAsync<Person>(
            "Who?", jsonOptions: new JsonResponseOptions { RespectRequiredConstructorParameters = false }, cancellationToken: Ct);

        Assert.Equal(new Person("Ada", 0, null), result.Result);
    }

    [Fact]
    public async Task GetJsonResponseAsync_NullForNonNullable_ThrowsWithPath()
    {
        var inner = new ScriptedChatClient().EnqueueText("{\"name\":null,\"age\":1,\"nickname\":null}");

        var ex = await Assert.ThrowsAsync<JsonEnforcementException>(() => inner.GetJsonResponseAsync<Person>("Who?", cancellationToken: Ct));

        Assert.StartsWith("$.name: ", Assert.Single(ex.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetJsonResponseAsync_UnmappedMembersDisallowed_Throws()
    {
        var inner = new ScriptedChatClient()
            .EnqueueText("{\"name\":\"Ada\",\"age\":1,\"nickname\":null,\"extra\":1}")
            .EnqueueText("{\"name\":\"Ada\",\"age\":1,\"nickname\":null,\"extra\":1}");

        var skipped = await inner.GetJsonResponseAsync<Person>("Who?", cancellationToken: Ct);
        var ex = await Assert.ThrowsAsync<JsonEnforcementException>(() => inner.GetJsonResponseAsync<Person>(
            "Who?", jsonOptions: new JsonResponseOptions { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow }, cancellationToken: Ct));

        Assert.Equal("Ada", skipped.Result.Name);
        Assert.Contains("extra", Assert.Single(ex.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetJsonResponseAsync_DataAnnotations_ValidatedRecursivelyWithJsonPaths()
    {
        var inner = new ScriptedChatClient().EnqueueText("""
            {"name":"A very long name","age":200,"address":{"city":null,"zip":"1"},"otherAddresses":[{"city":"x","zip":"12345"},{"city":null}]}
            """);

        var ex = await Assert.ThrowsAsync<JsonEnforcementException>(() => inner.GetJsonResponseAsync<Customer>("Who?", cancellationToken: Ct));

        Assert.Equal(JsonEnforcementFailureKind.DeserializationFailed, ex.FailureKind);
        Assert.Contains(ex.Errors, e => e.StartsWith("$.name: ", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("$.age: ", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("$.address.city: ", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("$.address.zip: ", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("$.otherAddresses[1].city: ", StringComparison.Ordinal));
        Assert.Equal(5, ex.Errors.Count);
    }

    [Fact]
    public async Task GetJsonResponseAsync_DataAnnotationsOff_AcceptsObject()
    {
        var inner = new ScriptedChatClient().EnqueueText("{\"name\":\"A very long name\",\"age\":200}");

        var result = await inner.GetJsonResponseAsync<Customer>("Who?", jsonOptions: new JsonResponseOptions { ValidateDataAnnotations = false }, cancellationToken: Ct);

        Assert.Equal(200, result.Result.Age);
    }

    [Fact]
    public async Task GetJsonResponseAsync_CustomSerializerOptions_AreUsed()
    {
        var inner = new ScriptedChatClient().EnqueueText("{\"NAME\":\"Ada\",\"AGE\":2,\"NICKNAME\":null}");
        var serializerOptions = new JsonSerializerOptions(AIJsonUtilities.DefaultOptions) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseUpper };

        var result = await inner.GetJsonResponseAsync<Person>("Who?", jsonOptions: new JsonResponseOptions { SerializerOptions = serializerOptions }, cancellationToken: Ct);

        Assert.Equal(new Person("Ada", 2, null), result.Result);
    }

    [Fact]
    public async Task GetJsonResponseAsync_NullJson_Throws()
    {
        var inner = new ScriptedChatClient().EnqueueText("null");

        var ex = await Assert.ThrowsAsync<JsonEnforcementException>(() => inner.GetJsonResponseAsync<Person>("Who?", cancellationToken: Ct));

        Assert.Equal(["$: expected an object, got null"], ex.Errors);
    }

    [Fact]
    public async Task GetJsonResponseAsync_NoJson_ThrowsInvalidJson()
    {
        var inner = new ScriptedChatClient().EnqueueText("Sorry.");

        var ex = await Assert.ThrowsAsync<JsonEnforcementException>(() => inner.GetJsonResponseAsync<Person>("Who?", cancellationToken: Ct));

        Assert.Equal(JsonEnforcementFailureKind.InvalidJson, ex.FailureKind);
    }

    [Fact]
    public async Task GetJsonResponseAsync_ThroughPipeline_RetriesUntilDeserializable()
    {
        var inner = new ScriptedChatClient()
            .EnqueueText("{\"name\":\"Ada\"}")
            .EnqueueText("{\"name\":\"Ada\",\"age\":\"x\",\"nickname\":null}")
            .EnqueueText("Fixed: {\"name\":\"Ada\",\"age\":36,\"nickname\":null}");
        var client = inner.AsBuilder()
            .UseRetryWithValidation([ChatResponseValidators.DeserializesTo<Person>()])
            .UseJsonEnforcement()
            .Build();

        var result = await client.GetJsonResponseAsync<Person>("Who?", cancellationToken: Ct);

        Assert.Equal(36, result.Result.Age);
        Assert.Equal(3, inner.Calls.Count);
        Assert.Equal(3, result.Response.AdditionalProperties![ValidationResponseProperties.Attempts]);
        Assert.Contains("- $: required: Required properties [\"age\"", inner.Calls[1].Messages[^1].Text, StringComparison.Ordinal);
        Assert.Contains("$.age: type: Value is \"string\" but should be \"integer\"", inner.Calls[2].Messages[^1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetJsonResponseAsync_NullArguments_Throw()
    {
        var inner = new ScriptedChatClient();

        await Assert.ThrowsAsync<ArgumentNullException>("client", () => ((IChatClient)null!).GetJsonResponseAsync<Person>("x", cancellationToken: Ct));
        await Assert.ThrowsAsync<ArgumentNullException>("messages", () => inner.GetJsonResponseAsync<Person>((IEnumerable<ChatMessage>)null!, cancellationToken: Ct));
        await Assert.ThrowsAsync<ArgumentNullException>("prompt", () => inner.GetJsonResponseAsync<Person>((string)null!, cancellationToken: Ct));
    }
}
