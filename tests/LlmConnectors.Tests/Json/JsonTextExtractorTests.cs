namespace LlmConnectors.Tests.Json;

public class JsonTextExtractorTests
{
    private const string Obj = "{\"name\":\"Ada\",\"age\":36}";

    public static TheoryData<string, string, string, JsonExtractionSource> Shapes => new()
    {
        { "bare object", Obj, Obj, JsonExtractionSource.WholeText },
        { "bare array", "[1,2,3]", "[1,2,3]", JsonExtractionSource.WholeText },
        { "surrounding whitespace", "\n\n   " + Obj + "  \r\n\t", Obj, JsonExtractionSource.WholeText },
        { "byte order mark", "\uFEFF" + Obj, Obj, JsonExtractionSource.WholeText },
        { "bare string scalar", "\"hello\"", "\"hello\"", JsonExtractionSource.WholeText },
        { "bare number scalar", "42.5", "42.5", JsonExtractionSource.WholeText },
        { "pretty printed", "{\n  \"name\": \"Ada\",\n  \"tags\": [\"a\", \"b\"]\n}", "{\n  \"name\": \"Ada\",\n  \"tags\": [\"a\", \"b\"]\n}", JsonExtractionSource.WholeText },
        { "json fence", "```json\n" + Obj + "\n```", Obj, JsonExtractionSource.CodeFence },
        { "JSON upper-case fence", "```JSON\n" + Obj + "\n```", Obj, JsonExtractionSource.CodeFence },
        { "fence without language", "```\n" + Obj + "\n```", Obj, JsonExtractionSource.CodeFence },
        { "tilde fence", "~~~json\n" + Obj + "\n~~~", Obj, JsonExtractionSource.CodeFence },
        { "four-backtick fence", "````json\n" + Obj + "\n````", Obj, JsonExtractionSource.CodeFence },
        { "fence on one line", "```json " + Obj + " ```", Obj, JsonExtractionSource.CodeFence },
        { "fence with prose around", "Sure! Here is the data:\n\n```json\n" + Obj + "\n```\n\nLet me know if you need more.", Obj, JsonExtractionSource.CodeFence },
        { "unterminated fence (cut off after the value)", "```json\n" + Obj + "\n", Obj, JsonExtractionSource.CodeFence },
        { "two fences, first parses", "```json\n{\"a\":1}\n```\nor\n```json\n{\"b\":2}\n```", "{\"a\":1}", JsonExtractionSource.CodeFence },
        { "two fences, first invalid", "```js\nconst x = {a: 1};\n```\n```json\n{\"b\":2}\n```", "{\"b\":2}", JsonExtractionSource.CodeFence },
        { "leading prose", "Here is the JSON you asked for: " + Obj, Obj, JsonExtractionSource.EmbeddedInProse },
        { "trailing prose", Obj + "\nI hope this helps!", Obj, JsonExtractionSource.EmbeddedInProse },
        { "leading and trailing prose", "Result:\n" + Obj + "\nDone.", Obj, JsonExtractionSource.EmbeddedInProse },
        { "array in prose", "The ids are [1, 2, 3] as requested.", "[1, 2, 3]", JsonExtractionSource.EmbeddedInProse },
        { "braces inside strings", "Answer: {\"text\":\"use { and } and [ ] freely\",\"n\":1} end", "{\"text\":\"use { and } and [ ] freely\",\"n\":1}", JsonExtractionSource.EmbeddedInProse },
        { "escaped quotes inside strings", "Answer: {\"quote\":\"she said \\\"}\\\" loudly\",\"ok\":true}.", "{\"quote\":\"she said \\\"}\\\" loudly\",\"ok\":true}", JsonExtractionSource.EmbeddedInProse },
        { "escaped backslash before quote", "x {\"path\":\"C:\\\\\",\"b\":[1]} y", "{\"path\":\"C:\\\\\",\"b\":[1]}", JsonExtractionSource.EmbeddedInProse },
        { "bracketed prose before the value", "[Note] the result is {\"a\":1}", "{\"a\":1}", JsonExtractionSource.EmbeddedInProse },
        { "curly prose before the value", "Use the {name} placeholder: {\"name\":\"x\"}", "{\"name\":\"x\"}", JsonExtractionSource.EmbeddedInProse },
        { "nested objects and arrays", "ok: {\"a\":{\"b\":[{\"c\":[]}]}} !", "{\"a\":{\"b\":[{\"c\":[]}]}}", JsonExtractionSource.EmbeddedInProse },
        { "unicode content", "```json\n{\"city\":\"Zürich\",\"emoji\":\"🙂\"}\n```", "{\"city\":\"Zürich\",\"emoji\":\"🙂\"}", JsonExtractionSource.CodeFence },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Extract_Shape_ReturnsCleanJson(string shape, string text, string expectedJson, JsonExtractionSource expectedSource)
    {
        var result = JsonTextExtractor.Extract(text);

        Assert.True(result.Success, $"{shape}: {result.Error}");
        Assert.Equal(expectedJson, result.Json);
        Assert.Equal(expectedSource, result.Source);
        Assert.Equal(System.Text.Json.JsonDocument.Parse(expectedJson).RootElement.ValueKind, result.Value.ValueKind);
    }

    public static TheoryData<string, string, string> Failures => new()
    {
        { "null text", null!, "empty" },
        { "empty text", "", "empty" },
        { "white space", "   \n ", "white space" },
        { "no JSON at all", "I cannot help with that.", "does not contain a JSON object or array" },
        { "trailing comma is not repaired", "{\"a\":1,}", "does not contain valid JSON" },
        { "single quotes are not repaired", "{'a':1}", "does not contain valid JSON" },
        { "comments are not repaired", "{\"a\":1 /* one */}", "does not contain valid JSON" },
        { "truncated value", "Here: {\"a\":[1,2", "never closed" },
        { "invalid JSON in fence", "```json\n{\"a\":}\n```", "code block does not contain valid JSON" },
        { "empty fence", "```json\n```", "code block" },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void Extract_NoValidJson_FailsWithMessageForModel(string shape, string text, string expectedFragment)
    {
        var result = JsonTextExtractor.Extract(text);

        Assert.False(result.Success, shape);
        Assert.Null(result.Json);
        Assert.Equal(JsonExtractionSource.None, result.Source);
        Assert.Contains(expectedFragment, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Extract_InvalidObjectWithValidInnerObject_DoesNotPickThePart()
    {
        // Picking {"b":1} out of a broken outer object would silently change the answer.
        var result = JsonTextExtractor.Extract("{\"a\": {\"b\":1}, }");

        Assert.False(result.Success);
    }

    [Fact]
    public void Extract_ValueIsUsableAfterExtraction()
    {
        var result = JsonTextExtractor.Extract("```json\n{\"items\":[{\"price\":2.5}]}\n```");

        Assert.True(result.Success);
        Assert.Equal(2.5, result.Value.GetProperty("items")[0].GetProperty("price").GetDouble());
    }
}
