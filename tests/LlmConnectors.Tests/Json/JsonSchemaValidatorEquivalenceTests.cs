using System.Text.Json;
using Microsoft.Extensions.AI;

namespace LlmConnectors.Tests.Json;

/// <summary>
/// The validator compiles its schema once; these tests check that it reports exactly what the validator that looked every
/// keyword up on every call reported (<see cref="ReferenceJsonSchemaValidator"/>): same errors, same order, same paths,
/// same exceptions.
/// </summary>
public class JsonSchemaValidatorEquivalenceTests
{
    public sealed record CityAnswer(string City, string Country, int Population, bool IsCapital);

    public sealed record Line(string Sku, int Quantity, decimal Price, string? Note);

    public sealed record Basket(string Id, List<Line> Lines, Dictionary<string, int> Counts, Basket? Previous);

    public static TheoryData<string, string> Cases { get; } = new()
    {
        { """{"type":"string"}""", "1" },
        { """{"type":"integer"}""", "3.0" },
        { """{"type":"integer"}""", "3.5" },
        { """{"type":"integer"}""", "1e400" },
        { """{"type":"integer"}""", "123456789012345678901234567890" },
        { """{"type":["string","null"]}""", "1" },
        { """{"type":["string",5,{"x":1}]}""", "true" },
        { """{"type":["string","strange"]}""", "true" },
        { """{"type":"strange"}""", "[]" },
        { """{"type":5}""", "\"a\"" },
        { """{"type":[]}""", "\"a\"" },
        { """{"type":"obj\u0065ct"}""", "1" },
        { """{"type":"object","type":"string"}""", "{}" },
        { """{"enum":["a","b",{"x":[1,2,3]}]}""", "\"c\"" },
        { """{"enum":"notAnArray"}""", "\"c\"" },
        { """{"const":{"a":[1,2]}}""", """{"a":[1,2]}""" },
        { """{"const":{"a":[1,2]}}""", """{"a":[2,1]}""" },
        { """{"minimum":0,"maximum":10,"exclusiveMinimum":true,"exclusiveMaximum":true}""", "0" },
        { """{"minimum":0,"maximum":10,"exclusiveMinimum":true,"exclusiveMaximum":true}""", "10" },
        { """{"exclusiveMinimum":true}""", "0" },
        { """{"exclusiveMinimum":false,"minimum":3}""", "3" },
        { """{"minimum":"3","maximum":null}""", "1" },
        { """{"exclusiveMinimum":1.5,"exclusiveMaximum":2.5}""", "2.5" },
        { """{"multipleOf":0.1}""", "0.3" },
        { """{"multipleOf":0}""", "3" },
        { """{"multipleOf":-2}""", "3" },
        { """{"minimum":1e999}""", "3" },
        { """{"minLength":2,"maxLength":3,"pattern":"^a"}""", "\"bcde\"" },
        { """{"minLength":1.5,"maxLength":"3"}""", "\"\"" },
        { """{"maxLength":1}""", "\"🙂🙂\"" },
        { """{"pattern":"["}""", "1" },
        { """{"pattern":"["}""", "\"a\"" },
        { """{"minProperties":"2"}""", "{}" },
        { """{"maxItems":{}}""", "[]" },
        { """{"patternProperties":{"(":{}}}""", """{"a":1}""" },
        { """{"required":["a","b",3],"properties":{"a":{"type":"string"}}}""", """{"a":1}""" },
        { """{"properties":{"a":{"type":"string"},"a":{"type":"number"}}}""", """{"a":"x"}""" },
        { """{"properties":{"a\u0062":{"type":"string"}}}""", """{"ab":1}""" },
        { """{"properties":{"x":{"type":"string"}}}""", """{"\u0078":1}""" },
        { """{"properties":{"a":{"type":"string"}},"additionalProperties":false}""", """{"a":"x","b":1,"c d":2}""" },
        { """{"additionalProperties":false}""", """{"b":1}""" },
        { """{"additionalProperties":{"type":"number"}}""", """{"b":1,"c":"x"}""" },
        { """{"additionalProperties":true,"properties":{"a":false}}""", """{"a":1,"b":2}""" },
        { """{"patternProperties":{"^x_":{"type":"number"},"_y$":{"minimum":5}},"additionalProperties":false}""", """{"x_y":1,"z":2}""" },
        { """{"minProperties":2,"maxProperties":1}""", """{"a":1}""" },
        { """{"minProperties":2.5}""", """{"a":1}""" },
        { """{"minItems":2,"maxItems":1}""", "[1]" },
        { """{"items":{"type":"string"}}""", """["a",1,"b",2]""" },
        { """{"items":false}""", "[1]" },
        { """{"prefixItems":[{"type":"string"},{"type":"number"}],"items":false}""", """[1,"a",2]""" },
        { """{"prefixItems":[{"type":"string"}],"items":{"type":"number"}}""", """["a",1,"b"]""" },
        { """{"items":[{"type":"string"},{"type":"number"}],"additionalItems":false}""", """["a",1,2]""" },
        { """{"items":[{"type":"string"}],"additionalItems":{"type":"boolean"}}""", """["a",true,3]""" },
        { """{"items":[{"type":"string"}]}""", """["a",true,3]""" },
        { """{"prefixItems":[{"type":"string"}],"items":[{"type":"number"}]}""", """["a",true]""" },
        { """{"uniqueItems":true}""", """[{"a":1},{"a":1}]""" },
        { """{"uniqueItems":"yes"}""", "[1,1]" },
        { """{"anyOf":[{"type":"string"},{"type":"number","minimum":5},{"properties":{"a":{"type":"string"}},"required":["a","b"]}]}""", """{"a":1}""" },
        { """{"oneOf":[{"type":"integer"},{"type":"number"}]}""", "1" },
        { """{"oneOf":[{"type":"integer"},{"type":"string"}]}""", "true" },
        { """{"allOf":[{"minimum":1},{"maximum":2},{"multipleOf":2}]}""", "3" },
        { """{"not":{"type":"string"}}""", "\"a\"" },
        { """{"not":5}""", "\"a\"" },
        { """{"not":false}""", "\"a\"" },
        { """{"if":{"properties":{"kind":{"const":"a"}}},"then":{"required":["a"]},"else":{"required":["b"]}}""", """{"kind":"x","a":1}""" },
        { """{"if":{"properties":{"kind":{"const":"a"}}},"then":{"required":["a"]}}""", """{"kind":"a"}""" },
        { """{"then":{"required":["a"]},"else":{"required":["b"]}}""", "{}" },
        { """{"$ref":"#/$defs/pos","$defs":{"pos":{"type":"integer","minimum":1}}}""", "0" },
        { """{"$ref":"#/definitions/a~1b","definitions":{"a/b":{"type":"string"}}}""", "0" },
        { """{"$ref":"#/$defs/a%20b","$defs":{"a b":{"type":"string"}}}""", "0" },
        { """{"$ref":"#/properties/list/items","properties":{"list":{"items":{"type":"string"}}}}""", "0" },
        { """{"$ref":"#/allOf/0","allOf":[{"type":"string"}]}""", "0" },
        { """{"$ref":"#/$defs/missing"}""", "0" },
        { """{"$ref":"other.json#/x"}""", "0" },
        { """{"$ref":"#"}""", "0" },
        { """{"$ref":"#/$defs/a","$defs":{"a":{"$ref":"#/$defs/b"},"b":{"$ref":"#/$defs/a"}}}""", "0" },
        { """{"type":"object","properties":{"next":{"$ref":"#"},"v":{"type":"number"}},"required":["v"]}""", """{"v":1,"next":{"v":"x","next":{"next":{}}}}""" },
        { """{"$ref":"#/$defs/s","type":"number","$defs":{"s":{"type":"string"}}}""", "\"a\"" },
        { """{"$ref":5}""", "0" },
        { """{"properties":{"a":{"type":"string"}}}""", """{"a":1,"a":"x"}""" },
        { """{"type":"object","properties":{"a":{"type":"array","items":{"type":"object","properties":{"b":{"type":"integer"}}}}}}""", """{"a":[{"b":1},{"b":"2"},{"b":3.5}]}""" },
        { """{"items":{"type":"integer"}}""", "[" + string.Join(",", Enumerable.Repeat("\"x\"", 30)) + "]" },
        { """{"anyOf":[{"items":{"type":"integer"}},{"type":"string"}]}""", "[" + string.Join(",", Enumerable.Repeat("\"x\"", 10)) + "]" },
        { "true", """{"anything":1}""" },
        { "false", "1" },
        { "{}", "null" },
    };

    public static TheoryData<Type, string> GeneratedSchemaCases { get; } = new()
    {
        { typeof(CityAnswer), """{"city":"Paris","country":"France","population":2102650,"isCapital":true}""" },
        { typeof(CityAnswer), """{"city":"Paris","country":null,"population":2.5,"isCapital":"yes","extra":1}""" },
        { typeof(CityAnswer), """{}""" },
        { typeof(Basket), """{"id":"b1","lines":[{"sku":"A","quantity":1,"price":2.5,"note":null}],"counts":{"a":1},"previous":null}""" },
        { typeof(Basket), """{"id":"b1","lines":[{"sku":1,"quantity":1.5,"price":"2","note":3}],"counts":{"a":"x"},"previous":{"id":2,"lines":[{}],"counts":{},"previous":null}}""" },
        { typeof(Basket), """[]""" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Validate_HandWrittenSchema_ReportsWhatTheUncompiledValidatorReported(string schema, string instance)
    {
        AssertSameResult(JsonElement.Parse(schema), instance);
    }

    [Theory]
    [MemberData(nameof(GeneratedSchemaCases))]
    public void Validate_SchemaOfType_ReportsWhatTheUncompiledValidatorReported(Type type, string instance)
    {
        AssertSameResult(AIJsonUtilities.CreateJsonSchema(type), instance);
    }

    [Fact]
    public void Validate_SameValidatorManyTimes_ReportsTheSameErrorsEachTime()
    {
        var validator = new JsonSchemaValidator(JsonElement.Parse("""
            {"type":"object","properties":{"next":{"$ref":"#"},"v":{"type":"number"},"p":{"pattern":"^a"}},"required":["v"]}
            """));
        var instance = JsonElement.Parse("""{"v":1,"p":"b","next":{"v":"x","next":{"next":{}}}}""");

        var first = Describe(validator.Validate(instance));
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(first, Describe(validator.Validate(instance)));
        }

        Assert.Equal(
            ["$.p: must match the regular expression ^a, got \"b\" (/p)", "$.next.v: expected number, got string (/next/v)", "$.next.next: missing required property \"v\" (/next/next)", "$.next.next.next: missing required property \"v\" (/next/next/next)"],
            first);
    }

    [Fact]
    public void Validate_MaxErrors_StopsWhereTheUncompiledValidatorStopped()
    {
        var schema = JsonElement.Parse("""{"items":{"type":"integer"},"minItems":50}""");
        var instance = JsonElement.Parse("[" + string.Join(",", Enumerable.Repeat("\"x\"", 30)) + "]");

        var compiled = new JsonSchemaValidator(schema) { MaxErrors = 5 }.Validate(instance);
        var reference = new ReferenceJsonSchemaValidator(schema) { MaxErrors = 5 }.Validate(instance);

        Assert.Equal(5, compiled.Count);
        Assert.Equal(Describe(reference), Describe(compiled));
    }

    [Fact]
    public void Validate_AfterAValidationThatThrew_ReportsCleanPaths()
    {
        var broken = new JsonSchemaValidator(JsonElement.Parse("""{"properties":{"a":{"properties":{"b":{"pattern":"["}}}}}"""));
        var validator = new JsonSchemaValidator(JsonElement.Parse("""{"properties":{"x":{"type":"string"}}}"""));

        Assert.ThrowsAny<ArgumentException>(() => broken.Validate(JsonElement.Parse("""{"a":{"b":"text"}}""")));
        var errors = validator.Validate(JsonElement.Parse("""{"x":1}"""));

        Assert.Equal(["$.x: expected string, got integer (/x)"], Describe(errors));
    }

    [Fact]
    public async Task Validate_ManyThreadsAtOnce_EachGetsItsOwnErrors()
    {
        var validator = new JsonSchemaValidator(AIJsonUtilities.CreateJsonSchema(typeof(Basket)));
        var valid = JsonElement.Parse("""{"id":"b1","lines":[{"sku":"A","quantity":1,"price":2.5,"note":null}],"counts":{"a":1},"previous":null}""");
        var invalid = JsonElement.Parse("""{"id":"b1","lines":[{"sku":1,"quantity":1,"price":2.5,"note":null}],"counts":{"a":1},"previous":null}""");

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(
            () =>
            {
                var seen = new List<string>();
                for (var i = 0; i < 200; i++)
                {
                    seen.AddRange(Describe(validator.Validate((i + t) % 2 == 0 ? valid : invalid)));
                }

                return seen;
            },
            TestContext.Current.CancellationToken)));

        foreach (var seen in results)
        {
            Assert.Equal(100, seen.Count);
            Assert.All(seen, e => Assert.Equal("$.lines[0].sku: expected string, got integer (/lines/0/sku)", e));
        }
    }

    private static void AssertSameResult(JsonElement schema, string instanceText)
    {
        var instance = JsonElement.Parse(instanceText);
        var expected = Run(() => Describe(new ReferenceJsonSchemaValidator(schema).Validate(instance)));
        var actual = Run(() => Describe(new JsonSchemaValidator(schema).Validate(instance)));

        Assert.Equal(expected.Exception, actual.Exception);
        Assert.Equal(expected.Errors, actual.Errors);
    }

    private static (string[] Errors, Type? Exception) Run(Func<string[]> validate)
    {
        try
        {
            return (validate(), null);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or ArgumentException)
        {
            return ([], ex.GetType());
        }
    }

    private static string[] Describe(IReadOnlyList<JsonValidationError> errors) =>
        [.. errors.Select(e => $"{e} ({e.JsonPointer})")];
}
