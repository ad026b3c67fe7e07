using System.Text.Json;
using Microsoft.Extensions.AI;

namespace LlmConnectors.Tests.Validation;

public class BuiltInValidatorTests
{
    private static readonly ChatResponseValidationContext Context = new([new ChatMessage(ChatRole.User, "q")], null, 1, 3);

    public sealed record Point(int X, int Y);

    private static ChatResponse Text(string text) => new(new ChatMessage(ChatRole.Assistant, text));

    private static async Task<IReadOnlyList<string>> Errors(IChatResponseValidator validator, ChatResponse response) =>
        (await validator.ValidateAsync(response, Context, TestContext.Current.CancellationToken)).Errors;

    [Theory]
    [InlineData("", false)]
    [InlineData("  \n", false)]
    [InlineData("x", true)]
    public async Task NotEmpty_Text_ChecksContent(string text, bool valid)
    {
        var errors = await Errors(ChatResponseValidators.NotEmpty(), Text(text));

        Assert.Equal(valid, errors.Count == 0);
        if (!valid)
        {
            Assert.Equal(["the answer is empty; reply with a non-empty answer"], errors);
        }
    }

    [Fact]
    public async Task NotEmpty_NoMessagesOrToolCall_Checked()
    {
        Assert.NotEmpty(await Errors(ChatResponseValidators.NotEmpty(), new ChatResponse()));
        Assert.Empty(await Errors(ChatResponseValidators.NotEmpty(), new ChatResponse(new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("c", "f")]))));
    }

    [Theory]
    [InlineData("{\"a\":1}", false, true)]
    [InlineData("```json\n{\"a\":1}\n```", false, true)]
    [InlineData("```json\n{\"a\":1}\n```", true, false)]
    [InlineData("{'a':1}", false, false)]
    public async Task ValidJson_Text_ChecksJson(string text, bool requireBare, bool valid)
    {
        var errors = await Errors(ChatResponseValidators.ValidJson(requireBare), Text(text));

        Assert.Equal(valid, errors.Count == 0);
    }

    [Fact]
    public async Task JsonSchema_Violations_ReturnedAsPathMessages()
    {
        var schema = JsonDocument.Parse("""{"type":"object","properties":{"n":{"type":"integer","maximum":5}},"required":["n"]}""").RootElement;
        var validator = ChatResponseValidators.JsonSchema(schema);

        Assert.Empty(await Errors(validator, Text("{\"n\":5}")));
        Assert.Equal(["$.n: maximum: 6 should be at most 5"], await Errors(validator, Text("Here: {\"n\":6}")));
        Assert.Equal(["$: required: Required properties [\"n\"] are not present"], await Errors(validator, Text("{}")));
        Assert.Equal(["the response does not contain a JSON object or array"], await Errors(validator, Text("nope")));
        Assert.Equal([ValidJsonResponseValidator.BareJsonErrorMessage], await Errors(new JsonSchemaResponseValidator(schema) { RequireBareJson = true }, Text("x {\"n\":1}")));
    }

    [Fact]
    public async Task Regex_DefaultAndCustomMessages()
    {
        Assert.Empty(await Errors(ChatResponseValidators.Regex("^\\d+$"), Text("123")));
        Assert.Equal(["the answer must match the regular expression ^\\d+$"], await Errors(ChatResponseValidators.Regex("^\\d+$"), Text("12a")));
        Assert.Equal(["digits only"], await Errors(ChatResponseValidators.Regex("^\\d+$", errorMessage: "digits only"), Text("x")));
        Assert.Empty(await Errors(ChatResponseValidators.Regex("^ok$", System.Text.RegularExpressions.RegexOptions.IgnoreCase), Text("OK")));
        Assert.Throws<ArgumentNullException>("pattern", () => new RegexResponseValidator((string)null!));
    }

    [Fact]
    public async Task MaxLength_CountsCharacters()
    {
        Assert.Empty(await Errors(ChatResponseValidators.MaxLength(3), Text("abc")));
        Assert.Equal(["the answer must be at most 3 characters long, got 4; shorten it"], await Errors(ChatResponseValidators.MaxLength(3), Text("abcd")));
        Assert.Throws<ArgumentOutOfRangeException>("maxLength", () => ChatResponseValidators.MaxLength(-1));
    }

    [Fact]
    public async Task Predicate_UsesMessage()
    {
        var validator = ChatResponseValidators.Predicate(r => r.Text.EndsWith('.'), "end the answer with a period");

        Assert.Empty(await Errors(validator, Text("Done.")));
        Assert.Equal(["end the answer with a period"], await Errors(validator, Text("Done")));
        Assert.Throws<ArgumentNullException>("predicate", () => ChatResponseValidators.Predicate(null!, "m"));
        Assert.Throws<ArgumentException>("errorMessage", () => ChatResponseValidators.Predicate(_ => true, " "));
    }

    [Fact]
    public async Task DeserializesTo_ChecksType()
    {
        var validator = ChatResponseValidators.DeserializesTo<Point>();

        Assert.Empty(await Errors(validator, Text("```json\n{\"x\":1,\"y\":2}\n```")));
        Assert.Contains("y", Assert.Single(await Errors(validator, Text("{\"x\":1}"))), StringComparison.Ordinal);
        Assert.StartsWith("$.x: ", Assert.Single(await Errors(validator, Text("{\"x\":\"one\",\"y\":2}"))), StringComparison.Ordinal);
        Assert.Equal(["the response does not contain a JSON object or array"], await Errors(validator, Text("none")));
    }

    [Fact]
    public void ValidationResult_FailureRequiresErrors()
    {
        Assert.True(ChatResponseValidationResult.Success.IsValid);
        Assert.False(ChatResponseValidationResult.Failure("e").IsValid);
        Assert.Throws<ArgumentException>("errors", () => ChatResponseValidationResult.Failure());
        Assert.Throws<ArgumentException>("errors", () => ChatResponseValidationResult.Failure(""));
        Assert.Throws<ArgumentNullException>("errors", () => ChatResponseValidationResult.Failure((IEnumerable<string>)null!));
    }

    [Fact]
    public void ValidationContext_ChecksArguments()
    {
        Assert.Throws<ArgumentNullException>("messages", () => new ChatResponseValidationContext(null!, null, 1, 1));
        Assert.Throws<ArgumentOutOfRangeException>("attemptNumber", () => new ChatResponseValidationContext([], null, 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>("maxAttempts", () => new ChatResponseValidationContext([], null, 1, 0));
    }
}
