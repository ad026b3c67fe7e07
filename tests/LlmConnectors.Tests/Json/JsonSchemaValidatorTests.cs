using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace LlmConnectors.Tests.Json;

public class JsonSchemaValidatorTests
{
    public enum OrderStatus
    {
        Pending,
        Shipped,
        Delivered,
    }

    public sealed record LineItem(string Sku, int Quantity, decimal Price);

    public sealed record Address(string Street, string City, string? PostalCode);

    public sealed record Order(
        string Id,
        OrderStatus Status,
        Address ShippingAddress,
        List<LineItem> Items,
        string? Note,
        int? Priority);

    public sealed class TreeNode
    {
        public required string Name { get; set; }

        public List<TreeNode> Children { get; set; } = [];

        public TreeNode? Parent { get; set; }
    }

    public sealed record Category(string Name, Category? Parent);

    // AIJsonUtilities.DefaultOptions omits nulls when writing, but its schema lists every constructor parameter as required,
    // as a model must send them: serialize with nulls written.
    private static readonly JsonSerializerOptions WriteNulls = new(AIJsonUtilities.DefaultOptions)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never,
    };

    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement;

    private static IReadOnlyList<JsonValidationError> Validate(JsonSchemaValidator validator, JsonNode node) =>
        validator.Validate(JsonSerializer.SerializeToElement(node));

    private static JsonElement SchemaOf<T>() => AIJsonUtilities.CreateJsonSchema(typeof(T));

    private static string[] Errors(JsonElement schema, string instance) =>
        [.. new JsonSchemaValidator(schema).Validate(Parse(instance)).Select(e => e.ToString())];

    [Fact]
    public void Validate_WrongTypeDeepInArray_ReportsPathKeywordAndMessage()
    {
        var schema = Parse("""
            {"type":"object","properties":{"items":{"type":"array","items":{"type":"object","properties":{"price":{"type":"number"}}}}}}
            """);

        var errors = new JsonSchemaValidator(schema).Validate(Parse("""{"items":[{"price":1},{"price":2},{"price":"3"}]}"""));

        var error = Assert.Single(errors);
        Assert.Equal("$.items[2].price", error.Path);
        Assert.Equal("/items/2/price", error.JsonPointer);
        Assert.Equal("type", error.Keyword);
        Assert.Equal("Value is \"string\" but should be \"number\"", error.Message);
        Assert.Equal("$.items[2].price: type: Value is \"string\" but should be \"number\"", error.ToString());
    }

    [Theory]
    [InlineData("""{"type":"string"}""", "\"x\"", true)]
    [InlineData("""{"type":"string"}""", "1", false)]
    [InlineData("""{"type":"integer"}""", "3", true)]
    [InlineData("""{"type":"integer"}""", "3.0", true)]
    [InlineData("""{"type":"integer"}""", "3.5", false)]
    [InlineData("""{"type":"number"}""", "3.5", true)]
    [InlineData("""{"type":"boolean"}""", "false", true)]
    [InlineData("""{"type":"null"}""", "null", true)]
    [InlineData("""{"type":["string","null"]}""", "null", true)]
    [InlineData("""{"type":["string","null"]}""", "\"a\"", true)]
    [InlineData("""{"type":["string","null"]}""", "1", false)]
    [InlineData("""{"enum":["a","b"]}""", "\"b\"", true)]
    [InlineData("""{"enum":["a","b"]}""", "\"c\"", false)]
    [InlineData("""{"enum":[1,{"x":[1]}]}""", """{"x":[1]}""", true)]
    [InlineData("""{"const":"fixed"}""", "\"fixed\"", true)]
    [InlineData("""{"const":"fixed"}""", "\"other\"", false)]
    [InlineData("""{"minimum":0,"maximum":10}""", "10", true)]
    [InlineData("""{"minimum":0,"maximum":10}""", "-1", false)]
    [InlineData("""{"minimum":0,"maximum":10}""", "11", false)]
    [InlineData("""{"exclusiveMinimum":0}""", "0", false)]
    [InlineData("""{"exclusiveMaximum":5}""", "4.99", true)]
    [InlineData("""{"multipleOf":0.5}""", "2.5", true)]
    [InlineData("""{"multipleOf":0.5}""", "2.4", false)]
    [InlineData("""{"minLength":2,"maxLength":3}""", "\"ab\"", true)]
    [InlineData("""{"minLength":2}""", "\"a\"", false)]
    [InlineData("""{"maxLength":3}""", "\"abcd\"", false)]
    [InlineData("""{"maxLength":2}""", "\"🙂🙂\"", true)]
    [InlineData("""{"pattern":"^[A-Z]{3}$"}""", "\"ABC\"", true)]
    [InlineData("""{"pattern":"^[A-Z]{3}$"}""", "\"abc\"", false)]
    [InlineData("""{"format":"email"}""", "\"not an email\"", true)]
    [InlineData("""{"minItems":1,"maxItems":2}""", "[1]", true)]
    [InlineData("""{"minItems":1}""", "[]", false)]
    [InlineData("""{"maxItems":2}""", "[1,2,3]", false)]
    [InlineData("""{"uniqueItems":true}""", "[1,2,1]", false)]
    [InlineData("""{"prefixItems":[{"type":"string"},{"type":"number"}],"items":false}""", """["a",1]""", true)]
    [InlineData("""{"prefixItems":[{"type":"string"},{"type":"number"}],"items":false}""", """["a",1,2]""", false)]
    [InlineData("""{"anyOf":[{"type":"string"},{"type":"number"}]}""", "1", true)]
    [InlineData("""{"anyOf":[{"type":"string"},{"type":"number"}]}""", "true", false)]
    [InlineData("""{"oneOf":[{"type":"integer"},{"type":"number"}]}""", "1.5", true)]
    [InlineData("""{"oneOf":[{"type":"integer"},{"type":"number"}]}""", "1", false)]
    [InlineData("""{"allOf":[{"minimum":1},{"maximum":2}]}""", "3", false)]
    [InlineData("""{"not":{"type":"string"}}""", "\"a\"", false)]
    [InlineData("""{"if":{"properties":{"kind":{"const":"a"}}},"then":{"required":["a"]},"else":{"required":["b"]}}""", """{"kind":"a","a":1}""", true)]
    [InlineData("""{"if":{"properties":{"kind":{"const":"a"}}},"then":{"required":["a"]},"else":{"required":["b"]}}""", """{"kind":"x","a":1}""", false)]
    [InlineData("true", "{\"anything\":1}", true)]
    [InlineData("false", "1", false)]
    [InlineData("""{"minProperties":1}""", "{}", false)]
    [InlineData("""{"patternProperties":{"^x_":{"type":"number"}},"additionalProperties":false}""", """{"x_a":1}""", true)]
    [InlineData("""{"patternProperties":{"^x_":{"type":"number"}},"additionalProperties":false}""", """{"y":1}""", false)]
    public void Validate_Keyword_MatchesSpecification(string schema, string instance, bool valid)
    {
        var errors = new JsonSchemaValidator(Parse(schema)).Validate(Parse(instance));

        Assert.True(valid == (errors.Count == 0), string.Join("; ", errors));
    }

    [Fact]
    public void Validate_RequiredAndAdditionalProperties_ReportEachProblem()
    {
        var schema = Parse("""
            {"type":"object","properties":{"name":{"type":"string"},"email":{"type":"string"}},"required":["name","email"],"additionalProperties":false}
            """);

        var errors = Errors(schema, """{"name":"Ada","nickname":"A"}""");

        Assert.Equal(2, errors.Length);
        Assert.Contains("$: required: Required properties [\"email\"] are not present", errors);
        Assert.Contains("$.nickname: additionalProperties: this property is not allowed", errors);
    }

    [Fact]
    public void Validate_AnyOfWithOneAlternativeMatching_ReportsOnlyTheRealViolation()
    {
        var schema = Parse("""
            {"properties":{"id":{"anyOf":[{"type":"string"},{"type":"integer"}]},"name":{"type":"string"}}}
            """);

        Assert.Equal(["$.name: type: Value is \"integer\" but should be \"string\""], Errors(schema, """{"id":1,"name":2}"""));
    }

    [Fact]
    public void Validate_AnyOfFails_NamesEachAlternative()
    {
        var schema = Parse("""{"anyOf":[{"type":"string"},{"type":"object","required":["id"]}]}""");

        var errors = new JsonSchemaValidator(schema).Validate(Parse("{}"));

        Assert.Equal(["type", "required"], errors.Select(e => e.Keyword));
        Assert.All(errors, e => Assert.Equal("$", e.Path));
    }

    [Fact]
    public void Validate_RefToDefsAndDefinitions_Resolves()
    {
        var schema = Parse("""
            {
              "type":"object",
              "properties":{"a":{"$ref":"#/$defs/Positive"},"b":{"$ref":"#/definitions/Name"}},
              "$defs":{"Positive":{"type":"number","exclusiveMinimum":0}},
              "definitions":{"Name":{"type":"string","minLength":1}}
            }
            """);

        Assert.Empty(Errors(schema, """{"a":1,"b":"x"}"""));
        var errors = new JsonSchemaValidator(schema).Validate(Parse("""{"a":0,"b":""}"""));
        Assert.Equal([("$.a", "exclusiveMinimum"), ("$.b", "minLength")], errors.Select(e => (e.Path, e.Keyword)));
    }

    [Fact]
    public void Validate_RecursiveRefToRoot_ValidatesEveryLevel()
    {
        var schema = Parse("""
            {"type":"object","properties":{"name":{"type":"string"},"children":{"type":"array","items":{"$ref":"#"}}},"required":["name"]}
            """);

        var errors = Errors(schema, """{"name":"root","children":[{"name":"a","children":[{"children":[]}]}]}""");

        Assert.Equal(["$.children[0].children[0]: required: Required properties [\"name\"] are not present"], errors);
    }

    [Fact]
    public void Validate_UnresolvableRef_ThrowsSayingWhatToFix()
    {
        var validator = new JsonSchemaValidator(Parse("""{"properties":{"a":{"$ref":"https://example.com/schema.json"}}}"""));

        Assert.True(validator.IsValid(Parse("{}")));
        var ex = Assert.Throws<InvalidOperationException>(() => validator.Validate(Parse("""{"a":1}""")));

        Assert.Contains("https://example.com/schema.json", ex.Message, StringComparison.Ordinal);
        Assert.Contains("must point inside the schema document", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_InvalidKeywordValue_Throws()
    {
        Assert.Throws<ArgumentException>("schema", () => new JsonSchemaValidator(Parse("""{"type":"text"}""")));
    }

    [Theory]
    [InlineData("http://json-schema.org/draft-04/schema#")]
    [InlineData("https://example.com/my-meta-schema")]
    public void Constructor_DraftJsonSchemaNetDoesNotRead_ThrowsSayingWhichDraftsWork(string draft)
    {
        var ex = Assert.Throws<ArgumentException>("schema", () => new JsonSchemaValidator(Parse($$"""{"$schema":"{{draft}}","type":"object"}""")));

        Assert.Contains(draft.TrimEnd('#'), ex.Message, StringComparison.Ordinal);
        Assert.Contains("draft 6, 7, 2019-09 or 2020-12", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://json-schema.org/draft-06/schema#")]
    [InlineData("http://json-schema.org/draft-07/schema#")]
    [InlineData("https://json-schema.org/draft/2019-09/schema")]
    [InlineData("https://json-schema.org/draft/2020-12/schema")]
    public void Validate_EachSupportedDraft_Validates(string draft)
    {
        var validator = new JsonSchemaValidator(Parse($$"""{"$schema":"{{draft}}","type":"object","required":["a"]}"""));

        Assert.True(validator.IsValid(Parse("""{"a":1}""")));
        Assert.False(validator.IsValid(Parse("{}")));
    }

    [Fact]
    public void Constructor_TwoSchemasWithTheSameId_DoNotInterfere()
    {
        var strings = new JsonSchemaValidator(Parse("""{"$id":"https://example.com/value.json","type":"string"}"""));
        var integers = new JsonSchemaValidator(Parse("""{"$id":"https://example.com/value.json","type":"integer"}"""));

        Assert.True(strings.IsValid(Parse("\"a\"")));
        Assert.True(integers.IsValid(Parse("1")));
        Assert.False(integers.IsValid(Parse("\"a\"")));
    }

    [Theory]
    [InlineData("""{"properties":{"a":{"not":{"type":"string"}}}}""", """{"a":"x"}""", "$.a", "not")]
    [InlineData("""{"oneOf":[{"type":"integer"},{"type":"number"}]}""", "1", "$", "oneOf")]
    public void Validate_KeywordsWithoutLibraryMessage_NameTheKeyword(string schema, string instance, string path, string keyword)
    {
        var error = Assert.Single(new JsonSchemaValidator(Parse(schema)).Validate(Parse(instance)));

        Assert.Equal((path, keyword), (error.Path, error.Keyword));
    }

    [Fact]
    public void Validate_Draft7SchemaWithRefSiblings_IgnoresTheSiblings()
    {
        var schema = Parse("""
            {"$schema":"http://json-schema.org/draft-07/schema#","definitions":{"list":{"type":"array"}},"properties":{"a":{"$ref":"#/definitions/list","maxItems":1}}}
            """);

        Assert.Empty(Errors(schema, """{"a":[1,2]}"""));
    }

    [Fact]
    public void Validate_ItemsAfterPrefixItems_ReportsTheRealIndexes()
    {
        var schema = Parse("""
            {"properties":{"rows":{"type":"array","items":{"prefixItems":[{"type":"string"},{"type":"string"}],"items":{"type":"object","properties":{"n":{"type":"integer"}}}}}}}
            """);

        var errors = new JsonSchemaValidator(schema).Validate(Parse("""{"rows":[["a","b",{"n":1}],[1,"b",{"n":1},{"n":"x"}]]}"""));

        Assert.Equal(["/rows/1/0", "/rows/1/3/n"], errors.Select(e => e.JsonPointer));
        Assert.Equal(["$.rows[1][0]", "$.rows[1][3].n"], errors.Select(e => e.Path));
    }

    [Fact]
    public void Validate_ExtraItemAfterClosedTuple_ReportsItsIndex()
    {
        var error = Assert.Single(new JsonSchemaValidator(Parse("""{"prefixItems":[{"type":"string"}],"items":false}""")).Validate(Parse("""["a",2]""")));

        Assert.Equal(("$[1]", "items", "this array item is not allowed"), (error.Path, error.Keyword, error.Message));
    }

    [Fact]
    public void Validate_FalseSchemaAtRoot_ReportsFalse()
    {
        var error = Assert.Single(new JsonSchemaValidator(Parse("false")).Validate(Parse("1")));

        Assert.Equal(("$", "", "false"), (error.Path, error.JsonPointer, error.Keyword));
    }

    [Fact]
    public void Validate_PropertyNamesThatAreNotIdentifiers_QuoteThePath()
    {
        var schema = Parse("""{"properties":{"first name":{"type":"string"},"a/b":{"type":"string"},"0":{"type":"string"}}}""");

        var errors = new JsonSchemaValidator(schema).Validate(Parse("""{"first name":1,"a/b":2,"0":3}"""));

        Assert.Equal(["$['first name']", "$['a/b']", "$['0']"], errors.Select(e => e.Path));
        Assert.Equal(["/first name", "/a~1b", "/0"], errors.Select(e => e.JsonPointer));
    }

    [Fact]
    public async Task Validate_ManyThreadsAtOnce_GiveTheSameErrors()
    {
        var validator = new JsonSchemaValidator(SchemaOf<Order>());
        var instance = Parse("""{"id":1,"status":"Lost","shippingAddress":{"street":"s"},"items":[{"sku":"a","quantity":"x","price":1}]}""");
        var expected = validator.Validate(instance).Select(e => e.ToString()).ToArray();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            Enumerable.Range(0, 50).Select(_ => string.Join("\n", validator.Validate(instance))).Distinct().ToArray())));

        Assert.NotEmpty(expected);
        Assert.All(results, distinct => Assert.Equal([string.Join("\n", expected)], distinct));
    }

    [Fact]
    public void Validate_ManyErrors_StopsAtMaxErrors()
    {
        var schema = Parse("""{"type":"array","items":{"type":"string"}}""");
        var validator = new JsonSchemaValidator(schema) { MaxErrors = 3 };

        Assert.Equal(3, validator.Validate(Parse("[1,2,3,4,5,6]")).Count);
    }

    [Fact]
    public void Constructor_SchemaNotObjectOrBoolean_Throws()
    {
        var ex = Assert.Throws<ArgumentException>("schema", () => new JsonSchemaValidator(Parse("[1]")));
        Assert.Contains("AIJsonUtilities.CreateJsonSchema", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SchemaOfRecordWithNestedTypesListsEnumsAndNullables_AcceptsSerializedInstance()
    {
        var schema = SchemaOf<Order>();
        var order = new Order("o-1", OrderStatus.Shipped, new Address("1 Main St", "Springfield", null), [new LineItem("sku-1", 2, 9.5m)], null, null);
        var json = JsonSerializer.Serialize(order, WriteNulls);

        Assert.Empty(new JsonSchemaValidator(schema).Validate(Parse(json)));

        // Nullable constructor parameters are still required by the schema: omitting them is reported.
        var omitted = new JsonSchemaValidator(schema).Validate(Parse(JsonSerializer.Serialize(order, AIJsonUtilities.DefaultOptions)));
        Assert.Contains(omitted, e => e.Path == "$" && e.Keyword == "required" && e.Message.Contains("\"note\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_SchemaOfRecord_RejectsWhatAModelGetsWrong()
    {
        var schema = SchemaOf<Order>();
        var validator = new JsonSchemaValidator(schema);
        var good = JsonNode.Parse(JsonSerializer.Serialize(
            new Order("o-1", OrderStatus.Pending, new Address("s", "c", "123"), [new LineItem("a", 1, 1m), new LineItem("b", 2, 2m)], "n", 1),
            WriteNulls))!.AsObject();

        var wrongPrice = good.DeepClone().AsObject();
        wrongPrice["items"]![1]!["price"] = "2.00";
        Assert.Contains(Validate(validator, wrongPrice), e => e.Path == "$.items[1].price");

        var missingCity = good.DeepClone().AsObject();
        missingCity["shippingAddress"]!.AsObject().Remove("city");
        Assert.Contains(Validate(validator, missingCity), e => e.Path == "$.shippingAddress" && e.Message.Contains("city", StringComparison.Ordinal));

        var nullStreet = good.DeepClone().AsObject();
        nullStreet["shippingAddress"]!["street"] = null;
        Assert.Contains(Validate(validator, nullStreet), e => e.Path == "$.shippingAddress.street");

        var nullPostalCode = good.DeepClone().AsObject();
        nullPostalCode["shippingAddress"]!["postalCode"] = null;
        Assert.Empty(Validate(validator, nullPostalCode));

        var itemsNotArray = good.DeepClone().AsObject();
        itemsNotArray["items"] = "none";
        Assert.Contains(Validate(validator, itemsNotArray), e => e.Path == "$.items" && e.Keyword == "type");

        var wrongQuantity = good.DeepClone().AsObject();
        wrongQuantity["items"]![0]!["quantity"] = 1.5;
        Assert.Contains(Validate(validator, wrongQuantity), e => e.Path == "$.items[0].quantity");
    }

    [Fact]
    public void Validate_SchemaOfEnumMember_RejectsUnknownValue()
    {
        var schema = SchemaOf<Order>();
        var node = JsonNode.Parse(JsonSerializer.Serialize(
            new Order("o", OrderStatus.Pending, new Address("s", "c", null), [], null, null), WriteNulls))!.AsObject();

        node["status"] = "Lost";

        Assert.Contains(Validate(new JsonSchemaValidator(schema), node), e => e.Path == "$.status");
    }

    [Fact]
    public void Validate_SchemaOfRecursiveClass_ValidatesNestedLevels()
    {
        var schema = SchemaOf<TreeNode>();
        var validator = new JsonSchemaValidator(schema);

        Assert.Empty(validator.Validate(Parse("""{"name":"root","children":[{"name":"a","children":[{"name":"b","children":[]}]}]}""")));

        var errors = validator.Validate(Parse("""{"name":"root","children":[{"name":"a","children":[{"name":5,"children":[]}]}]}"""));
        Assert.Contains(errors, e => e.Path == "$.children[0].children[0].name");
    }

    [Fact]
    public void Validate_SchemaOfRecursiveRecord_ValidatesParentChain()
    {
        var schema = SchemaOf<Category>();
        var validator = new JsonSchemaValidator(schema);

        Assert.Empty(validator.Validate(Parse("""{"name":"c","parent":{"name":"b","parent":{"name":"a","parent":null}}}""")));
        Assert.NotEmpty(validator.Validate(Parse("""{"name":"c","parent":{"name":"b","parent":{"name":7,"parent":null}}}""")));
    }

    [Fact]
    public void Validate_SchemaOfDescribedType_IgnoresAnnotations()
    {
        var schema = AIJsonUtilities.CreateJsonSchema(typeof(Described), description: "A described type");

        Assert.Empty(new JsonSchemaValidator(schema).Validate(Parse("""{"value":"x"}""")));
    }

    [Fact]
    public void Validate_SchemaOfForJsonSchema_HasDraft202012AndValidates()
    {
        var schema = ChatResponseFormat.ForJsonSchema<Order>().Schema!.Value;
        var validator = new JsonSchemaValidator(schema);
        var order = new Order("o-1", OrderStatus.Shipped, new Address("1 Main St", "Springfield", null), [new LineItem("sku-1", 2, 9.5m)], null, null);
        var good = JsonNode.Parse(JsonSerializer.Serialize(order, WriteNulls))!.AsObject();
        var bad = good.DeepClone().AsObject();
        bad["items"]![0]!["quantity"] = "two";

        Assert.Equal("https://json-schema.org/draft/2020-12/schema", schema.GetProperty("$schema").GetString());
        Assert.Empty(Validate(validator, good));
        Assert.Equal([("$.items[0].quantity", "type")], Validate(validator, bad).Select(e => (e.Path, e.Keyword)));
    }

    [Fact]
    public void Validate_MeaiWrapperWithNestedSchemaKeyword_Validates()
    {
        // What MEAI's GetResponseAsync<int> sends: the value wrapped in "data", the inner schema keeping its own "$schema".
        var schema = Parse("""
            {"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object",
             "properties":{"data":{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"integer"}},
             "additionalProperties":false,"required":["data"]}
            """);

        Assert.Empty(Errors(schema, """{"data":5}"""));
        Assert.Equal(["$.data: type: Value is \"string\" but should be \"integer\""], Errors(schema, """{"data":"5"}"""));
        Assert.Equal(["$: required: Required properties [\"data\"] are not present"], Errors(schema, "{}"));
    }

    public sealed record Described([property: Description("The value")] string Value);
}
