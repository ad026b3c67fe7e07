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

    private static JsonElement SchemaOf<T>() => AIJsonUtilities.CreateJsonSchema(typeof(T));

    private static string[] Errors(JsonElement schema, string instance) =>
        [.. new JsonSchemaValidator(schema).Validate(Parse(instance)).Select(e => e.ToString())];

    [Fact]
    public void Validate_WrongTypeDeepInArray_ReportsPathAndMessage()
    {
        var schema = Parse("""
            {"type":"object","properties":{"items":{"type":"array","items":{"type":"object","properties":{"price":{"type":"number"}}}}}}
            """);

        var errors = new JsonSchemaValidator(schema).Validate(Parse("""{"items":[{"price":1},{"price":2},{"price":"3"}]}"""));

        var error = Assert.Single(errors);
        Assert.Equal("$.items[2].price", error.Path);
        Assert.Equal("/items/2/price", error.JsonPointer);
        Assert.Equal("expected number, got string", error.Message);
        Assert.Equal("$.items[2].price: expected number, got string", error.ToString());
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

        Assert.Equal(
            [
                "$: missing required property \"email\"",
                "$.nickname: property \"nickname\" is not allowed; allowed properties are \"name\", \"email\"",
            ],
            errors);
    }

    [Fact]
    public void Validate_AdditionalPropertiesSchema_ValidatesExtraProperties()
    {
        var schema = Parse("""{"type":"object","properties":{"a":{}},"additionalProperties":{"type":"integer"}}""");

        Assert.Equal(["$.b: expected integer, got string"], Errors(schema, """{"a":"x","b":"y"}"""));
        Assert.Empty(Errors(schema, """{"a":"x","b":2}"""));
    }

    [Fact]
    public void Validate_EnumMismatch_ListsAllowedValues()
    {
        var schema = Parse("""{"type":"object","properties":{"status":{"enum":["open","closed"]}}}""");

        Assert.Equal(["$.status: expected one of \"open\", \"closed\", got \"pending\""], Errors(schema, """{"status":"pending"}"""));
    }

    [Fact]
    public void Validate_NumberBoundsAndLengths_ExplainTheLimit()
    {
        var schema = Parse("""{"type":"object","properties":{"age":{"type":"integer","minimum":0},"code":{"type":"string","minLength":3}}}""");

        Assert.Equal(
            ["$.age: must be greater than or equal to 0, got -4", "$.code: must be at least 3 character(s) long, got 1"],
            Errors(schema, """{"age":-4,"code":"x"}"""));
    }

    [Fact]
    public void Validate_AnyOfFails_DescribesEachAlternative()
    {
        var schema = Parse("""{"anyOf":[{"type":"string"},{"type":"object","required":["id"]}]}""");

        var error = Assert.Single(Errors(schema, "{}"));

        Assert.Equal("$: does not match any of the allowed shapes: (1) expected string, got object; (2) missing required property \"id\"", error);
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
        Assert.Equal(["$.a: must be greater than 0, got 0", "$.b: must be at least 1 character(s) long, got 0"], Errors(schema, """{"a":0,"b":""}"""));
    }

    [Fact]
    public void Validate_RecursiveRefToRoot_ValidatesEveryLevel()
    {
        var schema = Parse("""
            {"type":"object","properties":{"name":{"type":"string"},"children":{"type":"array","items":{"$ref":"#"}}},"required":["name"]}
            """);

        var errors = Errors(schema, """{"name":"root","children":[{"name":"a","children":[{"children":[]}]}]}""");

        Assert.Equal(["$.children[0].children[0]: missing required property \"name\""], errors);
    }

    [Fact]
    public void Validate_SelfReferencingSchemaWithoutProgress_StopsWithError()
    {
        var schema = Parse("""{"$ref":"#"}""");

        var errors = Errors(schema, "1");

        Assert.Contains(errors, e => e.Contains("256 levels", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_UnresolvableRef_ReportsSchemaProblem()
    {
        var schema = Parse("""{"$ref":"https://example.com/schema.json"}""");

        Assert.Contains("cannot be resolved", Assert.Single(Errors(schema, "1")), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_PropertyNamesThatAreNotIdentifiers_QuoteThePath()
    {
        var schema = Parse("""{"properties":{"first name":{"type":"string"},"a/b":{"type":"string"}}}""");

        var errors = new JsonSchemaValidator(schema).Validate(Parse("""{"first name":1,"a/b":2}"""));

        Assert.Equal("$['first name']", errors[0].Path);
        Assert.Equal("/first name", errors[0].JsonPointer);
        Assert.Equal("/a~1b", errors[1].JsonPointer);
    }

    [Fact]
    public void Validate_ManyErrors_StopsAtMaxErrors()
    {
        var schema = Parse("""{"type":"array","items":{"type":"string"}}""");
        var validator = new JsonSchemaValidator(schema) { MaxErrors = 3 };

        Assert.Equal(3, validator.Validate(Parse("[1,2,3,4,5,6]")).Count);
    }

    [Fact]
    public void Validate_JsonNode_ValidatesLikeElement()
    {
        var validator = new JsonSchemaValidator(Parse("""{"type":"object","required":["a"]}"""));

        Assert.Single(validator.Validate(new JsonObject { ["b"] = 1 }));
        Assert.Empty(validator.Validate(new JsonObject { ["a"] = 1 }));
        Assert.Single(validator.Validate((JsonNode?)null));
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
        Assert.Contains(omitted, e => e.ToString() == "$: missing required property \"note\"");
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
        Assert.Contains(validator.Validate(wrongPrice), e => e.Path == "$.items[1].price");

        var missingCity = good.DeepClone().AsObject();
        missingCity["shippingAddress"]!.AsObject().Remove("city");
        Assert.Contains(validator.Validate(missingCity), e => e.Path == "$.shippingAddress" && e.Message.Contains("city", StringComparison.Ordinal));

        var nullStreet = good.DeepClone().AsObject();
        nullStreet["shippingAddress"]!["street"] = null;
        Assert.Contains(validator.Validate(nullStreet), e => e.Path == "$.shippingAddress.street");

        var nullPostalCode = good.DeepClone().AsObject();
        nullPostalCode["shippingAddress"]!["postalCode"] = null;
        Assert.Empty(validator.Validate(nullPostalCode));

        var itemsNotArray = good.DeepClone().AsObject();
        itemsNotArray["items"] = "none";
        Assert.Contains(validator.Validate(itemsNotArray), e => e.Path == "$.items" && e.Message.Contains("got string", StringComparison.Ordinal));

        var wrongQuantity = good.DeepClone().AsObject();
        wrongQuantity["items"]![0]!["quantity"] = 1.5;
        Assert.Contains(validator.Validate(wrongQuantity), e => e.Path == "$.items[0].quantity");
    }

    [Fact]
    public void Validate_SchemaOfEnumMember_RejectsUnknownValue()
    {
        var schema = SchemaOf<Order>();
        var node = JsonNode.Parse(JsonSerializer.Serialize(
            new Order("o", OrderStatus.Pending, new Address("s", "c", null), [], null, null), WriteNulls))!.AsObject();

        node["status"] = "Lost";

        Assert.Contains(new JsonSchemaValidator(schema).Validate(node), e => e.Path == "$.status");
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

    public sealed record Described([property: Description("The value")] string Value);
}
