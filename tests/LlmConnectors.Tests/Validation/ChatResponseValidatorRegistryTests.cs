using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;

namespace LlmConnectors.Tests.Validation;

public class ChatResponseValidatorRegistryTests
{
    private static readonly ChatResponseValidationContext Context = new([new ChatMessage(ChatRole.User, "q")], null, 1, 3);

    private static IConfigurationSection Section(string json, string key = "Validators")
    {
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();
        return configuration.GetSection(key);
    }

    private static async Task<IReadOnlyList<string>> Errors(IChatResponseValidator validator, string text) =>
        (await validator.ValidateAsync(new ChatResponse(new ChatMessage(ChatRole.Assistant, text)), Context, TestContext.Current.CancellationToken)).Errors;

    [Fact]
    public void Names_IncludeBuiltIns()
    {
        Assert.Equal(["json", "json-schema", "max-length", "not-empty", "regex"], new ChatResponseValidatorRegistry().Names.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task CreateAll_MixedStringsAndObjects_CreatesInOrder()
    {
        var section = Section("""
            {
              "Validators": [
                "not-empty",
                "json",
                { "Name": "regex", "Pattern": "^\\{", "Message": "start with a brace" },
                { "name": "max-length", "max": "20" },
                { "Name": "JSON-SCHEMA", "Schema": "{\"type\":\"object\",\"required\":[\"a\"]}", "RequireBareJson": true }
              ]
            }
            """);

        var validators = new ChatResponseValidatorRegistry().CreateAll(section);

        Assert.Collection(
            validators,
            v => Assert.IsType<NotEmptyResponseValidator>(v),
            v => Assert.IsType<ValidJsonResponseValidator>(v),
            v => Assert.IsType<RegexResponseValidator>(v),
            v => Assert.Equal(20, Assert.IsType<MaxLengthResponseValidator>(v).MaxLength),
            v => Assert.True(Assert.IsType<JsonSchemaResponseValidator>(v).RequireBareJson));
        Assert.Equal(["start with a brace"], await Errors(validators[2], "x"));
        Assert.Equal(["$: required: Required properties [\"a\"] are not present"], await Errors(validators[4], "{}"));
    }

    [Fact]
    public void CreateAll_MissingSection_ReturnsEmpty()
    {
        Assert.Empty(new ChatResponseValidatorRegistry().CreateAll(Section("{}")));
    }

    [Fact]
    public void CreateAll_UnknownName_ErrorNamesPathAndKnownNames()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => new ChatResponseValidatorRegistry().CreateAll(Section("""{"Validators":["not-empty","nope"]}""")));

        Assert.Contains("\"nope\"", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Validators:1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("json, json-schema, max-length, not-empty, regex", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"Validators":[{"Pattern":"x"}]}""", "has no name")]
    [InlineData("""{"Validators":[{"Name":"regex"}]}""", "needs a \"Pattern\"")]
    [InlineData("""{"Validators":[{"Name":"regex","Pattern":"("}]}""", "not a valid regular expression")]
    [InlineData("""{"Validators":[{"Name":"regex","Pattern":"x","IgnoreCase":"yes"}]}""", "must be true or false")]
    [InlineData("""{"Validators":[{"Name":"max-length"}]}""", "needs a \"Max\"")]
    [InlineData("""{"Validators":[{"Name":"max-length","Max":"-1"}]}""", "non-negative integer")]
    [InlineData("""{"Validators":[{"Name":"json-schema"}]}""", "needs a \"Schema\"")]
    [InlineData("""{"Validators":[{"Name":"json-schema","Schema":"{not json"}]}""", "is not a JSON schema")]
    [InlineData("""{"Validators":[{"Name":"json-schema","Schema":"[1]"}]}""", "is not a JSON schema")]
    public void CreateAll_InvalidSettings_ExplainsWhatToFix(string json, string fragment)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => new ChatResponseValidatorRegistry().CreateAll(Section(json)));

        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
        Assert.Contains("Validators:0", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_CustomFactory_ReceivesSettingsAndServices()
    {
        IServiceProvider? seenServices = null;
        var registry = new ChatResponseValidatorRegistry().Register("ends-with", (settings, services) =>
        {
            seenServices = services;
            var suffix = settings["Suffix"]!;
            return ChatResponseValidators.Predicate(r => r.Text.EndsWith(suffix, StringComparison.Ordinal), $"end with {suffix}");
        });

        var validator = Assert.Single(registry.CreateAll(Section("""{"Validators":[{"Name":"ends-with","Suffix":"!"}]}""")));

        Assert.NotNull(seenServices);
        Assert.Empty(await Errors(validator, "hi!"));
        Assert.Equal(["end with !"], await Errors(validator, "hi"));
        Assert.True(registry.Contains("ENDS-WITH"));
    }

    [Fact]
    public void Register_ReplacesBuiltIn()
    {
        var custom = ChatResponseValidators.MaxLength(1);
        var registry = new ChatResponseValidatorRegistry().Register("not-empty", _ => custom);

        Assert.Same(custom, Assert.Single(registry.CreateAll(Section("""{"Validators":["not-empty"]}"""))));
    }

    [Fact]
    public void Register_ChecksArguments()
    {
        var registry = new ChatResponseValidatorRegistry();

        Assert.Throws<ArgumentException>("name", () => registry.Register(" ", _ => ChatResponseValidators.NotEmpty()));
        Assert.Throws<ArgumentNullException>("factory", () => registry.Register("x", (Func<IConfigurationSection, IChatResponseValidator>)null!));
        Assert.Throws<ArgumentNullException>("validators", () => registry.CreateAll(null!));
    }
}
