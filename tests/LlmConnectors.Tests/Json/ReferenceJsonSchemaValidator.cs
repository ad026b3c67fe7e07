using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace LlmConnectors.Tests.Json;

/// <summary>
/// The schema validator as it was before it compiled schemas (it looked every keyword up on every validation), kept unchanged
/// as the oracle that the compiled <see cref="JsonSchemaValidator"/> must agree with, error for error.
/// </summary>
internal sealed class ReferenceJsonSchemaValidator
{
    private const int MaxDepth = 256;
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, Regex> _regexes = new(StringComparer.Ordinal);

    /// <summary>Initializes a new instance of the <see cref="JsonSchemaValidator"/> class.</summary>
    /// <param name="schema">The JSON schema: an object or a boolean.</param>
    /// <exception cref="ArgumentException"><paramref name="schema"/> is neither an object nor a boolean.</exception>
    public ReferenceJsonSchemaValidator(JsonElement schema)
    {
        if (schema.ValueKind is not (JsonValueKind.Object or JsonValueKind.True or JsonValueKind.False))
        {
            throw new ArgumentException(
                $"A JSON schema must be a JSON object or a boolean, but a {Describe(schema.ValueKind)} was given. Pass the schema document itself, for example the result of AIJsonUtilities.CreateJsonSchema.",
                nameof(schema));
        }

        Schema = schema.Clone();
    }

    /// <summary>Gets the schema this validator checks against.</summary>
    public JsonElement Schema { get; }

    /// <summary>Gets the maximum number of errors one validation reports; further errors are dropped.</summary>
    /// <value>The default is 20.</value>
    public int MaxErrors { get; init; } = 20;

    /// <summary>Validates a JSON value.</summary>
    /// <param name="instance">The value to validate.</param>
    /// <returns>The violations found, empty when the value is valid.</returns>
    public IReadOnlyList<JsonValidationError> Validate(JsonElement instance)
    {
        var state = new State(this);
        ValidateCore(Schema, instance, state, 0);
        return state.Errors is null ? [] : state.Errors;
    }

    /// <summary>Validates a JSON value held as a <see cref="JsonNode"/>.</summary>
    /// <param name="instance">The value to validate; <see langword="null"/> stands for JSON <c>null</c>.</param>
    /// <returns>The violations found, empty when the value is valid.</returns>
    public IReadOnlyList<JsonValidationError> Validate(JsonNode? instance)
    {
        using var document = JsonDocument.Parse(instance is null ? "null" : instance.ToJsonString());
        return Validate(document.RootElement);
    }

    /// <summary>Tells whether a JSON value is valid against the schema.</summary>
    /// <param name="instance">The value to validate.</param>
    /// <returns><see langword="true"/> when the value has no violation.</returns>
    public bool IsValid(JsonElement instance) => Validate(instance).Count == 0;

    private void ValidateCore(JsonElement schema, JsonElement instance, State state, int depth)
    {
        if (state.IsFull)
        {
            return;
        }

        if (depth > MaxDepth)
        {
            state.Add("the schema nests or refers to itself more than 256 levels deep at this location; validation stopped");
            return;
        }

        switch (schema.ValueKind)
        {
            case JsonValueKind.True:
                return;
            case JsonValueKind.False:
                state.Add("no value is allowed here");
                return;
            case JsonValueKind.Object:
                break;
            default:
                return;
        }

        if (schema.TryGetProperty("$ref"u8, out var reference) && reference.ValueKind == JsonValueKind.String)
        {
            var target = reference.GetString()!;
            if (TryResolve(target, out var resolved))
            {
                ValidateCore(resolved, instance, state, depth + 1);
            }
            else
            {
                state.Add($"the schema refers to \"{target}\", which cannot be resolved; only references inside the same schema document (\"#\", \"#/$defs/...\") are supported");
            }
        }

        if (schema.TryGetProperty("type"u8, out var type) && !CheckType(type, instance, state))
        {
            // The other keywords would only repeat the type mismatch.
            return;
        }

        if (schema.TryGetProperty("const"u8, out var constant) && !JsonElement.DeepEquals(constant, instance))
        {
            state.Add($"expected {Abbreviate(constant)}, got {Abbreviate(instance)}");
        }

        if (schema.TryGetProperty("enum"u8, out var values) && values.ValueKind == JsonValueKind.Array)
        {
            CheckEnum(values, instance, state);
        }

        switch (instance.ValueKind)
        {
            case JsonValueKind.Object:
                CheckObject(schema, instance, state, depth);
                break;
            case JsonValueKind.Array:
                CheckArray(schema, instance, state, depth);
                break;
            case JsonValueKind.String:
                CheckString(schema, instance, state);
                break;
            case JsonValueKind.Number:
                CheckNumber(schema, instance, state);
                break;
        }

        if (schema.TryGetProperty("allOf"u8, out var allOf) && allOf.ValueKind == JsonValueKind.Array)
        {
            foreach (var subschema in allOf.EnumerateArray())
            {
                ValidateCore(subschema, instance, state, depth + 1);
            }
        }

        if (schema.TryGetProperty("anyOf"u8, out var anyOf) && anyOf.ValueKind == JsonValueKind.Array)
        {
            CheckAlternatives(anyOf, instance, state, depth, exactlyOne: false);
        }

        if (schema.TryGetProperty("oneOf"u8, out var oneOf) && oneOf.ValueKind == JsonValueKind.Array)
        {
            CheckAlternatives(oneOf, instance, state, depth, exactlyOne: true);
        }

        if (schema.TryGetProperty("not"u8, out var not) && Matches(not, instance, state, depth))
        {
            state.Add("the value matches a shape that is not allowed here");
        }

        if (schema.TryGetProperty("if"u8, out var condition))
        {
            var branch = Matches(condition, instance, state, depth) ? "then" : "else";
            if (schema.TryGetProperty(branch, out var consequence))
            {
                ValidateCore(consequence, instance, state, depth + 1);
            }
        }
    }

    private static bool CheckType(JsonElement type, JsonElement instance, State state)
    {
        if (type.ValueKind == JsonValueKind.String)
        {
            if (HasType(type, instance))
            {
                return true;
            }

            state.Add($"expected {type.GetString()}, got {DescribeValue(instance)}");
            return false;
        }

        if (type.ValueKind != JsonValueKind.Array)
        {
            return true;
        }

        foreach (var item in type.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String && HasType(item, instance))
            {
                return true;
            }
        }

        var expected = new StringBuilder();
        foreach (var item in type.EnumerateArray())
        {
            if (expected.Length > 0)
            {
                expected.Append(" or ");
            }

            expected.Append(item.ValueKind == JsonValueKind.String ? item.GetString() : item.GetRawText());
        }

        state.Add($"expected {expected}, got {DescribeValue(instance)}");
        return false;
    }

    /// <summary>Tells whether the instance has the type named by a schema string, without allocating the name.</summary>
    private static bool HasType(JsonElement type, JsonElement instance) => instance.ValueKind switch
    {
        JsonValueKind.Object => type.ValueEquals("object") || !IsKnownType(type),
        JsonValueKind.Array => type.ValueEquals("array") || !IsKnownType(type),
        JsonValueKind.String => type.ValueEquals("string") || !IsKnownType(type),
        JsonValueKind.Number => type.ValueEquals("number") || (type.ValueEquals("integer") && IsInteger(instance)) || !IsKnownType(type),
        JsonValueKind.True or JsonValueKind.False => type.ValueEquals("boolean") || !IsKnownType(type),
        JsonValueKind.Null => type.ValueEquals("null") || !IsKnownType(type),
        _ => true,
    };

    /// <summary>Unknown type names are ignored (treated as matching), as before the standard fixed the list.</summary>
    private static bool IsKnownType(JsonElement type) =>
        type.ValueEquals("object") || type.ValueEquals("array") || type.ValueEquals("string") || type.ValueEquals("number") ||
        type.ValueEquals("integer") || type.ValueEquals("boolean") || type.ValueEquals("null");

    private static bool IsInteger(JsonElement number)
    {
        if (number.TryGetInt64(out _))
        {
            return true;
        }

        if (number.TryGetDecimal(out var value))
        {
            return decimal.Truncate(value) == value;
        }

        var d = number.GetDouble();
        return double.IsFinite(d) && Math.Floor(d) == d;
    }

    private static void CheckEnum(JsonElement values, JsonElement instance, State state)
    {
        foreach (var value in values.EnumerateArray())
        {
            if (JsonElement.DeepEquals(value, instance))
            {
                return;
            }
        }

        var allowed = new StringBuilder();
        foreach (var value in values.EnumerateArray())
        {
            if (allowed.Length > 0)
            {
                allowed.Append(", ");
            }

            allowed.Append(Abbreviate(value));
        }

        state.Add($"expected one of {allowed}, got {Abbreviate(instance)}");
    }

    private void CheckObject(JsonElement schema, JsonElement instance, State state, int depth)
    {
        if (schema.TryGetProperty("required"u8, out var required) && required.ValueKind == JsonValueKind.Array)
        {
            foreach (var name in required.EnumerateArray())
            {
                if (name.ValueKind == JsonValueKind.String && !instance.TryGetProperty(name.GetString()!, out _))
                {
                    state.Add($"missing required property \"{name.GetString()}\"");
                }
            }
        }

        var hasProperties = schema.TryGetProperty("properties"u8, out var properties) && properties.ValueKind == JsonValueKind.Object;
        var hasPatterns = schema.TryGetProperty("patternProperties"u8, out var patterns) && patterns.ValueKind == JsonValueKind.Object;
        var hasAdditional = schema.TryGetProperty("additionalProperties"u8, out var additional);
        var count = 0;

        foreach (var property in instance.EnumerateObject())
        {
            count++;
            if (state.IsFull)
            {
                return;
            }

            state.Push(property.Name);
            var matched = false;
            if (hasProperties && properties.TryGetProperty(property.Name, out var propertySchema))
            {
                matched = true;
                ValidateCore(propertySchema, property.Value, state, depth + 1);
            }

            if (hasPatterns)
            {
                foreach (var pattern in patterns.EnumerateObject())
                {
                    if (GetRegex(pattern.Name).IsMatch(property.Name))
                    {
                        matched = true;
                        ValidateCore(pattern.Value, property.Value, state, depth + 1);
                    }
                }
            }

            if (!matched && hasAdditional)
            {
                if (additional.ValueKind == JsonValueKind.False)
                {
                    state.Add(hasProperties
                        ? $"property \"{property.Name}\" is not allowed; allowed properties are {ListNames(properties)}"
                        : $"property \"{property.Name}\" is not allowed");
                }
                else
                {
                    ValidateCore(additional, property.Value, state, depth + 1);
                }
            }

            state.Pop();
        }

        if (schema.TryGetProperty("minProperties"u8, out var min) && min.TryGetInt32(out var minCount) && count < minCount)
        {
            state.Add($"must have at least {minCount} properties, got {count}");
        }

        if (schema.TryGetProperty("maxProperties"u8, out var max) && max.TryGetInt32(out var maxCount) && count > maxCount)
        {
            state.Add($"must have at most {maxCount} properties, got {count}");
        }
    }

    private void CheckArray(JsonElement schema, JsonElement instance, State state, int depth)
    {
        var length = instance.GetArrayLength();
        if (schema.TryGetProperty("minItems"u8, out var min) && min.TryGetInt32(out var minCount) && length < minCount)
        {
            state.Add($"must have at least {minCount} item(s), got {length}");
        }

        if (schema.TryGetProperty("maxItems"u8, out var max) && max.TryGetInt32(out var maxCount) && length > maxCount)
        {
            state.Add($"must have at most {maxCount} item(s), got {length}");
        }

        var prefixCount = 0;
        JsonElement prefix = default;
        if (schema.TryGetProperty("prefixItems"u8, out var prefixItems) && prefixItems.ValueKind == JsonValueKind.Array)
        {
            prefix = prefixItems;
            prefixCount = prefixItems.GetArrayLength();
        }

        var hasItems = schema.TryGetProperty("items"u8, out var items);
        if (hasItems && items.ValueKind == JsonValueKind.Array)
        {
            // Draft 4-7 tuple form.
            prefix = items;
            prefixCount = items.GetArrayLength();
            hasItems = schema.TryGetProperty("additionalItems"u8, out items);
        }

        if (prefixCount > 0 || hasItems)
        {
            var index = 0;
            foreach (var item in instance.EnumerateArray())
            {
                if (state.IsFull)
                {
                    return;
                }

                state.Push(index);
                if (index < prefixCount)
                {
                    ValidateCore(prefix[index], item, state, depth + 1);
                }
                else if (hasItems)
                {
                    if (items.ValueKind == JsonValueKind.False)
                    {
                        state.Add($"no item is allowed past position {prefixCount - 1}");
                    }
                    else
                    {
                        ValidateCore(items, item, state, depth + 1);
                    }
                }

                state.Pop();
                index++;
            }
        }

        if (schema.TryGetProperty("uniqueItems"u8, out var unique) && unique.ValueKind == JsonValueKind.True)
        {
            for (var i = 0; i < length; i++)
            {
                for (var j = i + 1; j < length; j++)
                {
                    if (JsonElement.DeepEquals(instance[i], instance[j]))
                    {
                        state.Add($"items must be unique, but items {i} and {j} are equal");
                        return;
                    }
                }
            }
        }
    }

    private void CheckString(JsonElement schema, JsonElement instance, State state)
    {
        var hasMin = schema.TryGetProperty("minLength"u8, out var min) & min.ValueKind == JsonValueKind.Number;
        var hasMax = schema.TryGetProperty("maxLength"u8, out var max) & max.ValueKind == JsonValueKind.Number;
        var hasPattern = schema.TryGetProperty("pattern"u8, out var pattern) & pattern.ValueKind == JsonValueKind.String;
        if (!hasMin && !hasMax && !hasPattern)
        {
            return;
        }

        var value = instance.GetString()!;
        if (hasMin || hasMax)
        {
            var length = CountCodePoints(value);
            if (hasMin && min.TryGetInt32(out var minLength) && length < minLength)
            {
                state.Add($"must be at least {minLength} character(s) long, got {length}");
            }

            if (hasMax && max.TryGetInt32(out var maxLength) && length > maxLength)
            {
                state.Add($"must be at most {maxLength} character(s) long, got {length}");
            }
        }

        if (hasPattern)
        {
            var source = pattern.GetString()!;
            bool isMatch;
            try
            {
                isMatch = GetRegex(source).IsMatch(value);
            }
            catch (RegexMatchTimeoutException)
            {
                isMatch = false;
            }

            if (!isMatch)
            {
                state.Add($"must match the regular expression {source}, got {Abbreviate(instance)}");
            }
        }
    }

    private static void CheckNumber(JsonElement schema, JsonElement instance, State state)
    {
        var value = instance.GetDouble();
        if (schema.TryGetProperty("minimum"u8, out var minimum) && minimum.ValueKind == JsonValueKind.Number && value < minimum.GetDouble())
        {
            state.Add($"must be greater than or equal to {minimum.GetRawText()}, got {instance.GetRawText()}");
        }

        if (schema.TryGetProperty("maximum"u8, out var maximum) && maximum.ValueKind == JsonValueKind.Number && value > maximum.GetDouble())
        {
            state.Add($"must be less than or equal to {maximum.GetRawText()}, got {instance.GetRawText()}");
        }

        if (schema.TryGetProperty("exclusiveMinimum"u8, out var exclusiveMinimum))
        {
            var bound = exclusiveMinimum.ValueKind == JsonValueKind.Number ? exclusiveMinimum
                : exclusiveMinimum.ValueKind == JsonValueKind.True ? minimum : default;
            if (bound.ValueKind == JsonValueKind.Number && value <= bound.GetDouble())
            {
                state.Add($"must be greater than {bound.GetRawText()}, got {instance.GetRawText()}");
            }
        }

        if (schema.TryGetProperty("exclusiveMaximum"u8, out var exclusiveMaximum))
        {
            var bound = exclusiveMaximum.ValueKind == JsonValueKind.Number ? exclusiveMaximum
                : exclusiveMaximum.ValueKind == JsonValueKind.True ? maximum : default;
            if (bound.ValueKind == JsonValueKind.Number && value >= bound.GetDouble())
            {
                state.Add($"must be less than {bound.GetRawText()}, got {instance.GetRawText()}");
            }
        }

        if (schema.TryGetProperty("multipleOf"u8, out var multipleOf) && multipleOf.ValueKind == JsonValueKind.Number)
        {
            var divisor = multipleOf.GetDouble();
            if (divisor > 0)
            {
                var quotient = value / divisor;
                if (Math.Abs(quotient - Math.Round(quotient)) > 1e-9)
                {
                    state.Add($"must be a multiple of {multipleOf.GetRawText()}, got {instance.GetRawText()}");
                }
            }
        }
    }

    private void CheckAlternatives(JsonElement alternatives, JsonElement instance, State state, int depth, bool exactlyOne)
    {
        var matches = 0;
        List<string>? firstErrors = null;
        var index = 0;
        foreach (var alternative in alternatives.EnumerateArray())
        {
            var errors = state.Probe(this, alternative, instance, depth + 1);
            if (errors is null)
            {
                matches++;
                if (!exactlyOne)
                {
                    return;
                }
            }
            else
            {
                (firstErrors ??= []).Add($"({index + 1}) {errors[0].Message}{(errors.Count > 1 ? $" (and {errors.Count - 1} more)" : string.Empty)}" +
                    (errors[0].Path == state.CurrentPath() ? string.Empty : $" at {errors[0].Path}"));
            }

            index++;
        }

        if (matches == 1 || (!exactlyOne && matches > 0))
        {
            return;
        }

        if (matches > 1)
        {
            state.Add($"matches {matches} of the allowed shapes, but exactly one is required");
            return;
        }

        state.Add($"does not match any of the allowed shapes: {string.Join("; ", firstErrors ?? [])}");
    }

    private bool Matches(JsonElement schema, JsonElement instance, State state, int depth) =>
        state.Probe(this, schema, instance, depth + 1) is null;

    private bool TryResolve(string reference, out JsonElement resolved)
    {
        resolved = Schema;
        if (reference.Length == 0 || reference[0] != '#')
        {
            return false;
        }

        if (reference.Length == 1)
        {
            return true;
        }

        if (reference[1] != '/')
        {
            return false;
        }

        var pointer = Uri.UnescapeDataString(reference[2..]);
        foreach (var rawToken in pointer.Split('/'))
        {
            var token = rawToken.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (resolved.ValueKind == JsonValueKind.Object && resolved.TryGetProperty(token, out var child))
            {
                resolved = child;
            }
            else if (resolved.ValueKind == JsonValueKind.Array &&
                int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < resolved.GetArrayLength())
            {
                resolved = resolved[i];
            }
            else
            {
                return false;
            }
        }

        return true;
    }

    private Regex GetRegex(string pattern) =>
        _regexes.GetOrAdd(pattern, static p => new Regex(p, RegexOptions.CultureInvariant, RegexTimeout));

    private static int CountCodePoints(string value)
    {
        var count = 0;
        foreach (var _ in value.EnumerateRunes())
        {
            count++;
        }

        return count;
    }

    private static string ListNames(JsonElement properties)
    {
        var names = new StringBuilder();
        foreach (var property in properties.EnumerateObject())
        {
            if (names.Length > 0)
            {
                names.Append(", ");
            }

            names.Append('"').Append(property.Name).Append('"');
        }

        return names.Length == 0 ? "none" : names.ToString();
    }

    private static string Abbreviate(JsonElement value)
    {
        var text = value.GetRawText();
        return text.Length <= 60 ? text : string.Concat(text.AsSpan(0, 57), "...");
    }

    private static string DescribeValue(JsonElement instance) => instance.ValueKind switch
    {
        JsonValueKind.Number => IsInteger(instance) ? "integer" : "number",
        _ => Describe(instance.ValueKind),
    };

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    private sealed class State(ReferenceJsonSchemaValidator owner)
    {
        private readonly List<(string? Name, int Index)> _segments = [];
        private int _limit = owner.MaxErrors;

        public List<JsonValidationError>? Errors { get; private set; }

        public bool IsFull => Errors is not null && Errors.Count >= _limit;

        public void Push(string name) => _segments.Add((name, -1));

        public void Push(int index) => _segments.Add((null, index));

        public void Pop() => _segments.RemoveAt(_segments.Count - 1);

        public void Add(string message)
        {
            if (IsFull)
            {
                return;
            }

            (Errors ??= []).Add(new JsonValidationError(CurrentPath(), CurrentPointer(), message));
        }

        /// <summary>Validates against a subschema on the side; returns its errors, or null when it matches.</summary>
        public List<JsonValidationError>? Probe(ReferenceJsonSchemaValidator validator, JsonElement schema, JsonElement instance, int depth)
        {
            var savedErrors = Errors;
            var savedLimit = _limit;
            Errors = null;
            _limit = 3;
            try
            {
                validator.ValidateCore(schema, instance, this, depth);
                return Errors;
            }
            finally
            {
                Errors = savedErrors;
                _limit = savedLimit;
            }
        }

        public string CurrentPath()
        {
            if (_segments.Count == 0)
            {
                return "$";
            }

            var builder = new StringBuilder("$");
            foreach (var (name, index) in _segments)
            {
                if (name is null)
                {
                    builder.Append('[').Append(index.ToString(CultureInfo.InvariantCulture)).Append(']');
                }
                else
                {
                    if (IsIdentifier(name))
                    {
                        builder.Append('.').Append(name);
                    }
                    else
                    {
                        builder.Append("['").Append(name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)).Append("']");
                    }
                }
            }

            return builder.ToString();
        }

        private string CurrentPointer()
        {
            if (_segments.Count == 0)
            {
                return string.Empty;
            }

            var builder = new StringBuilder();
            foreach (var (name, index) in _segments)
            {
                builder.Append('/');
                if (name is null)
                {
                    builder.Append(index.ToString(CultureInfo.InvariantCulture));
                }
                else
                {
                    builder.Append(name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal));
                }
            }

            return builder.ToString();
        }

        private static bool IsIdentifier(string name)
        {
            if (name.Length == 0 || char.IsAsciiDigit(name[0]))
            {
                return false;
            }

            foreach (var c in name)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c != '_' && c != '$')
                {
                    return false;
                }
            }

            return true;
        }
    }
}
