using System.Text.Json;

namespace LlmConnectors.Tests.Json;

/// <summary>
/// <see cref="JsonTextExtractor.TryParseWholeText"/> is the pass-through shortcut of <see cref="JsonEnforcingChatClient"/>:
/// it must accept exactly the texts that <see cref="JsonTextExtractor.Extract"/> takes whole (an object or array with
/// nothing around it), with the same value, and leave every other text to the full extraction.
/// </summary>
public class JsonTextExtractorWholeTextTests
{
    public static TheoryData<string> Texts
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var row in JsonTextExtractorTests.Shapes)
            {
                data.Add(row.Data.Item2);
            }

            foreach (var row in JsonTextExtractorTests.Failures)
            {
                data.Add(row.Data.Item2);
            }

            foreach (var text in new[]
            {
                "{}", "[]", "{\"a\":1}", "[1,2", "{\"a\":1}}", "{\"a\":1} ", " {\"a\":1}", "{\"a\":1}\n", "{\"a\":}", "{'a':1}",
                "{\"a\":1,}", "[1,2,]", "{\"a\":\"}\"}", "{\"a\":\"\\\"}\"}", "{\"a\":1}{\"b\":2}", "[1][2]", "{\"a\":1} x", "x {\"a\":1}",
                "{/*c*/\"a\":1}", "\"text\"", "42", "true", "null", "{\"a\":\"\u00e9\\u00e9\"}", "{\"a\":1,\"a\":2}",
            })
            {
                data.Add(text);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public void TryParseWholeText_Text_AgreesWithExtract(string text)
    {
        var extraction = JsonTextExtractor.Extract(text);
        var takenWhole = extraction.Success && extraction.Source == JsonExtractionSource.WholeText &&
            ReferenceEquals(extraction.Json, text) && extraction.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array;

        var parsed = JsonTextExtractor.TryParseWholeText(text, out var document);

        using (document)
        {
            Assert.Equal(takenWhole, parsed);
            if (parsed)
            {
                Assert.True(JsonElement.DeepEquals(extraction.Value, document!.RootElement));
                Assert.Equal(extraction.Value.GetRawText(), document.RootElement.GetRawText());
            }
        }
    }

    [Fact]
    public void TryParseWholeText_NullOrEmpty_ReturnsFalse()
    {
        Assert.False(JsonTextExtractor.TryParseWholeText(null, out var none));
        Assert.Null(none);
        Assert.False(JsonTextExtractor.TryParseWholeText(string.Empty, out _));
    }
}
