using System.Text;
using System.Text.Json;

namespace LlmConnectors.Json;

/// <summary>
/// One schema (or subschema) of a <see cref="JsonSchemaValidator"/>, with its keywords looked up once, when the validator is built,
/// instead of on every validation.
/// </summary>
/// <remarks>
/// Each field holds what the validator used to look up with <see cref="JsonElement.TryGetProperty(string, out JsonElement)"/>
/// (which takes the last of duplicate names, as does the compilation here). Keyword values that the validator reads lazily and
/// that can throw (a count that is not a number, a bound that does not fit a double) keep their element, so that the same
/// exception comes at the same point as before. Instances are immutable once built, except for the resolved <c>$ref</c> target,
/// which is cached on first use.
/// </remarks>
internal sealed class JsonSchemaNode
{
    /// <summary>Placeholder for subschemas nested deeper than any validation can reach.</summary>
    private static readonly JsonSchemaNode Unreachable = new(JsonSchemaNodeKind.Ignored);

    /// <summary>Up to this many properties, a property's subschema is found by comparing UTF-8 names in place.</summary>
    private const int MaxSmallProperties = 12;

    private JsonSchemaNode(JsonSchemaNodeKind kind)
    {
        Kind = kind;
    }

    public JsonSchemaNodeKind Kind { get; }

    public string? Reference { get; private set; }

    /// <summary>Gets or sets the resolved <c>$ref</c> target (cached on first use; <see cref="UnresolvedReference"/> when it cannot be resolved).</summary>
    public JsonSchemaNode? ReferenceTarget { get; set; }

    public static JsonSchemaNode UnresolvedReference { get; } = new(JsonSchemaNodeKind.Ignored);

    public bool HasType { get; private set; }

    public JsonTypeSet AllowedTypes { get; private set; }

    public string? ExpectedTypes { get; private set; }

    public bool HasConst { get; private set; }

    public JsonElement Const { get; private set; }

    public bool HasEnum { get; private set; }

    public JsonElement Enum { get; private set; }

    public string[]? Required { get; private set; }

    public JsonElement Properties { get; private set; }

    public Dictionary<string, JsonSchemaNode>? PropertyNodes { get; private set; }

    /// <summary>
    /// Gets <see cref="PropertyNodes"/> as UTF-8 names, when there are few of them (at most <see cref="MaxSmallProperties"/>)
    /// and every name survives the round trip through UTF-8; compared in place, they spare reading each name into a string.
    /// </summary>
    public (byte[] Utf8Name, JsonSchemaNode Node)[]? SmallProperties { get; private set; }

    public KeyValuePair<string, JsonSchemaNode>[]? PatternProperties { get; private set; }

    public JsonSchemaNode? AdditionalProperties { get; private set; }

    public JsonSchemaCount MinProperties { get; private set; }

    public JsonSchemaCount MaxProperties { get; private set; }

    public JsonSchemaCount MinItems { get; private set; }

    public JsonSchemaCount MaxItems { get; private set; }

    public JsonSchemaNode[]? PrefixItems { get; private set; }

    public JsonSchemaNode? Items { get; private set; }

    public bool UniqueItems { get; private set; }

    /// <summary>Gets a value indicating whether <c>minLength</c>, <c>maxLength</c> or <c>pattern</c> is set (the string must be read).</summary>
    public bool HasStringKeywords { get; private set; }

    public bool HasLengthKeywords { get; private set; }

    public int? MinLength { get; private set; }

    public int? MaxLength { get; private set; }

    public string? Pattern { get; private set; }

    public JsonSchemaBound Minimum { get; private set; }

    public JsonSchemaBound Maximum { get; private set; }

    public JsonSchemaBound ExclusiveMinimum { get; private set; }

    public JsonSchemaBound ExclusiveMaximum { get; private set; }

    public JsonSchemaBound MultipleOf { get; private set; }

    public JsonSchemaNode[]? AllOf { get; private set; }

    public JsonSchemaNode[]? AnyOf { get; private set; }

    public JsonSchemaNode[]? OneOf { get; private set; }

    public JsonSchemaNode? Not { get; private set; }

    public JsonSchemaNode? If { get; private set; }

    public JsonSchemaNode? Then { get; private set; }

    public JsonSchemaNode? Else { get; private set; }

    /// <summary>Compiles a schema element and its subschemas (<c>$ref</c> targets excepted: they are resolved on first use).</summary>
    /// <param name="schema">The schema element; it must outlive the node (the validator holds a clone).</param>
    /// <param name="nesting">How deep the element sits below the schema the validation starts from.</param>
    /// <param name="maxNesting">Below this nesting no validation can go (it stops past its depth limit), so nothing is compiled.</param>
    public static JsonSchemaNode Compile(JsonElement schema, int nesting, int maxNesting)
    {
        if (nesting > maxNesting)
        {
            return Unreachable;
        }

        switch (schema.ValueKind)
        {
            case JsonValueKind.True:
                return new JsonSchemaNode(JsonSchemaNodeKind.True);
            case JsonValueKind.False:
                return new JsonSchemaNode(JsonSchemaNodeKind.False);
            case JsonValueKind.Object:
                break;
            default:
                return new JsonSchemaNode(JsonSchemaNodeKind.Ignored);
        }

        var node = new JsonSchemaNode(JsonSchemaNodeKind.Object);
        var child = nesting + 1;

        if (schema.TryGetProperty("$ref"u8, out var reference) && reference.ValueKind == JsonValueKind.String)
        {
            node.Reference = reference.GetString()!;
        }

        if (schema.TryGetProperty("type"u8, out var type))
        {
            node.CompileType(type);
        }

        if (schema.TryGetProperty("const"u8, out var constant))
        {
            node.HasConst = true;
            node.Const = constant;
        }

        if (schema.TryGetProperty("enum"u8, out var values) && values.ValueKind == JsonValueKind.Array)
        {
            node.HasEnum = true;
            node.Enum = values;
        }

        // Objects.
        if (schema.TryGetProperty("required"u8, out var required) && required.ValueKind == JsonValueKind.Array)
        {
            var names = new List<string>(required.GetArrayLength());
            foreach (var name in required.EnumerateArray())
            {
                if (name.ValueKind == JsonValueKind.String)
                {
                    names.Add(name.GetString()!);
                }
            }

            node.Required = [.. names];
        }

        if (schema.TryGetProperty("properties"u8, out var properties) && properties.ValueKind == JsonValueKind.Object)
        {
            node.Properties = properties;
            var nodes = new Dictionary<string, JsonSchemaNode>(StringComparer.Ordinal);
            foreach (var property in properties.EnumerateObject())
            {
                // The last of duplicate names wins, as with TryGetProperty.
                nodes[property.Name] = Compile(property.Value, child, maxNesting);
            }

            node.PropertyNodes = nodes;
            node.SmallProperties = ToSmallProperties(nodes);
        }

        if (schema.TryGetProperty("patternProperties"u8, out var patterns) && patterns.ValueKind == JsonValueKind.Object)
        {
            var list = new List<KeyValuePair<string, JsonSchemaNode>>();
            foreach (var pattern in patterns.EnumerateObject())
            {
                list.Add(new(pattern.Name, Compile(pattern.Value, child, maxNesting)));
            }

            node.PatternProperties = [.. list];
        }

        if (schema.TryGetProperty("additionalProperties"u8, out var additional))
        {
            node.AdditionalProperties = Compile(additional, child, maxNesting);
        }

        node.MinProperties = ReadCount(schema, "minProperties"u8);
        node.MaxProperties = ReadCount(schema, "maxProperties"u8);

        // Arrays.
        node.MinItems = ReadCount(schema, "minItems"u8);
        node.MaxItems = ReadCount(schema, "maxItems"u8);
        if (schema.TryGetProperty("prefixItems"u8, out var prefixItems) && prefixItems.ValueKind == JsonValueKind.Array)
        {
            node.PrefixItems = CompileAll(prefixItems, child, maxNesting);
        }

        if (schema.TryGetProperty("items"u8, out var items))
        {
            if (items.ValueKind == JsonValueKind.Array)
            {
                // Draft 4-7 tuple form.
                node.PrefixItems = CompileAll(items, child, maxNesting);
                if (schema.TryGetProperty("additionalItems"u8, out var additionalItems))
                {
                    node.Items = Compile(additionalItems, child, maxNesting);
                }
            }
            else
            {
                node.Items = Compile(items, child, maxNesting);
            }
        }

        node.UniqueItems = schema.TryGetProperty("uniqueItems"u8, out var unique) && unique.ValueKind == JsonValueKind.True;

        // Strings.
        if (schema.TryGetProperty("minLength"u8, out var minLength) && minLength.ValueKind == JsonValueKind.Number)
        {
            node.HasLengthKeywords = true;
            node.MinLength = minLength.TryGetInt32(out var value) ? value : null;
        }

        if (schema.TryGetProperty("maxLength"u8, out var maxLength) && maxLength.ValueKind == JsonValueKind.Number)
        {
            node.HasLengthKeywords = true;
            node.MaxLength = maxLength.TryGetInt32(out var value) ? value : null;
        }

        if (schema.TryGetProperty("pattern"u8, out var stringPattern) && stringPattern.ValueKind == JsonValueKind.String)
        {
            node.Pattern = stringPattern.GetString()!;
        }

        node.HasStringKeywords = node.HasLengthKeywords || node.Pattern is not null;

        // Numbers.
        schema.TryGetProperty("minimum"u8, out var minimum);
        schema.TryGetProperty("maximum"u8, out var maximum);
        node.Minimum = JsonSchemaBound.Create(minimum);
        node.Maximum = JsonSchemaBound.Create(maximum);
        if (schema.TryGetProperty("exclusiveMinimum"u8, out var exclusiveMinimum))
        {
            // Draft 4: a boolean that makes "minimum" exclusive.
            node.ExclusiveMinimum = JsonSchemaBound.Create(exclusiveMinimum.ValueKind == JsonValueKind.True ? minimum : exclusiveMinimum);
        }

        if (schema.TryGetProperty("exclusiveMaximum"u8, out var exclusiveMaximum))
        {
            node.ExclusiveMaximum = JsonSchemaBound.Create(exclusiveMaximum.ValueKind == JsonValueKind.True ? maximum : exclusiveMaximum);
        }

        if (schema.TryGetProperty("multipleOf"u8, out var multipleOf))
        {
            node.MultipleOf = JsonSchemaBound.Create(multipleOf);
        }

        // Combinations.
        if (schema.TryGetProperty("allOf"u8, out var allOf) && allOf.ValueKind == JsonValueKind.Array)
        {
            node.AllOf = CompileAll(allOf, child, maxNesting);
        }

        if (schema.TryGetProperty("anyOf"u8, out var anyOf) && anyOf.ValueKind == JsonValueKind.Array)
        {
            node.AnyOf = CompileAll(anyOf, child, maxNesting);
        }

        if (schema.TryGetProperty("oneOf"u8, out var oneOf) && oneOf.ValueKind == JsonValueKind.Array)
        {
            node.OneOf = CompileAll(oneOf, child, maxNesting);
        }

        if (schema.TryGetProperty("not"u8, out var not))
        {
            node.Not = Compile(not, child, maxNesting);
        }

        if (schema.TryGetProperty("if"u8, out var condition))
        {
            node.If = Compile(condition, child, maxNesting);
            if (schema.TryGetProperty("then"u8, out var then))
            {
                node.Then = Compile(then, child, maxNesting);
            }

            if (schema.TryGetProperty("else"u8, out var otherwise))
            {
                node.Else = Compile(otherwise, child, maxNesting);
            }
        }

        return node;
    }

    /// <summary>Tells whether the instance has one of the types of the <c>type</c> keyword.</summary>
    public bool HasInstanceType(JsonElement instance)
    {
        var allowed = AllowedTypes;
        if ((allowed & JsonTypeSet.Any) != 0)
        {
            return true;
        }

        return instance.ValueKind switch
        {
            JsonValueKind.Object => (allowed & JsonTypeSet.Object) != 0,
            JsonValueKind.Array => (allowed & JsonTypeSet.Array) != 0,
            JsonValueKind.String => (allowed & JsonTypeSet.String) != 0,
            JsonValueKind.Number => (allowed & JsonTypeSet.Number) != 0 || ((allowed & JsonTypeSet.Integer) != 0 && JsonSchemaValidator.IsInteger(instance)),
            JsonValueKind.True or JsonValueKind.False => (allowed & JsonTypeSet.Boolean) != 0,
            JsonValueKind.Null => (allowed & JsonTypeSet.Null) != 0,
            _ => true,
        };
    }

    private void CompileType(JsonElement type)
    {
        if (type.ValueKind == JsonValueKind.String)
        {
            HasType = true;
            AllowedTypes = ToTypeSet(type);
            ExpectedTypes = type.GetString();
            return;
        }

        if (type.ValueKind != JsonValueKind.Array)
        {
            // Neither a name nor a list of names: the keyword is ignored.
            return;
        }

        HasType = true;
        var allowed = JsonTypeSet.None;
        var expected = new StringBuilder();
        foreach (var item in type.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String)
            {
                allowed |= ToTypeSet(item);
            }

            if (expected.Length > 0)
            {
                expected.Append(" or ");
            }

            expected.Append(item.ValueKind == JsonValueKind.String ? item.GetString() : item.GetRawText());
        }

        AllowedTypes = allowed;
        ExpectedTypes = expected.ToString();
    }

    /// <summary>Unknown type names are ignored (treated as matching), as before the standard fixed the list.</summary>
    private static JsonTypeSet ToTypeSet(JsonElement name) =>
        name.ValueEquals("object"u8) ? JsonTypeSet.Object
        : name.ValueEquals("array"u8) ? JsonTypeSet.Array
        : name.ValueEquals("string"u8) ? JsonTypeSet.String
        : name.ValueEquals("number"u8) ? JsonTypeSet.Number
        : name.ValueEquals("integer"u8) ? JsonTypeSet.Integer
        : name.ValueEquals("boolean"u8) ? JsonTypeSet.Boolean
        : name.ValueEquals("null"u8) ? JsonTypeSet.Null
        : JsonTypeSet.Any;

    private static (byte[] Utf8Name, JsonSchemaNode Node)[]? ToSmallProperties(Dictionary<string, JsonSchemaNode> nodes)
    {
        if (nodes.Count > MaxSmallProperties)
        {
            return null;
        }

        var small = new (byte[] Utf8Name, JsonSchemaNode Node)[nodes.Count];
        var i = 0;
        foreach (var (name, node) in nodes)
        {
            var utf8 = Encoding.UTF8.GetBytes(name);
            if (!string.Equals(Encoding.UTF8.GetString(utf8), name, StringComparison.Ordinal))
            {
                // A lone surrogate does not survive UTF-8: keep the lookup by string for this schema.
                return null;
            }

            small[i++] = (utf8, node);
        }

        return small;
    }

    private static JsonSchemaCount ReadCount(JsonElement schema, ReadOnlySpan<byte> keyword) =>
        schema.TryGetProperty(keyword, out var value) ? JsonSchemaCount.Create(value) : default;

    private static JsonSchemaNode[] CompileAll(JsonElement array, int nesting, int maxNesting)
    {
        var nodes = new JsonSchemaNode[array.GetArrayLength()];
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            nodes[i++] = Compile(item, nesting, maxNesting);
        }

        return nodes;
    }
}
