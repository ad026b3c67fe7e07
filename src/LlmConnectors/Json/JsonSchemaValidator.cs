using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LlmConnectors.Json;

namespace LlmConnectors;

/// <summary>
/// Validates JSON values against a JSON schema, on System.Text.Json, with errors worded for a language model.
/// </summary>
/// <remarks>
/// <para>
/// Supports the keywords that <c>AIJsonUtilities.CreateJsonSchema</c> and hand-written response schemas use:
/// <c>type</c> (a name or an array of names such as <c>["string","null"]</c>), <c>enum</c>, <c>const</c>,
/// <c>properties</c>, <c>required</c>, <c>additionalProperties</c> (boolean or schema), <c>patternProperties</c>,
/// <c>minProperties</c>/<c>maxProperties</c>, <c>items</c>, <c>prefixItems</c>, <c>minItems</c>/<c>maxItems</c>,
/// <c>uniqueItems</c>, <c>minimum</c>/<c>maximum</c>, <c>exclusiveMinimum</c>/<c>exclusiveMaximum</c>, <c>multipleOf</c>,
/// <c>minLength</c>/<c>maxLength</c> (counted in Unicode code points), <c>pattern</c>, <c>anyOf</c>, <c>oneOf</c>,
/// <c>allOf</c>, <c>not</c>, <c>if</c>/<c>then</c>/<c>else</c>, boolean schemas, and <c>$ref</c> to any JSON pointer
/// inside the same document (<c>#</c>, <c>#/$defs/Name</c>, <c>#/definitions/Name</c>, <c>#/properties/x/items</c>).
/// </para>
/// <para>
/// <c>format</c> and annotations (<c>title</c>, <c>description</c>, <c>default</c>, ...) are ignored. References to other
/// documents are reported as errors. An instance of this class is immutable and safe to share between threads.
/// </para>
/// </remarks>
public sealed class JsonSchemaValidator
{
    private const int MaxDepth = 256;
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(1);

    [ThreadStatic]
    private static State? t_cachedState;

    private readonly ConcurrentDictionary<string, Regex> _regexes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, JsonSchemaNode> _references = new(StringComparer.Ordinal);
    private readonly JsonSchemaNode _root;

    /// <summary>Initializes a new instance of the <see cref="JsonSchemaValidator"/> class.</summary>
    /// <param name="schema">The JSON schema: an object or a boolean.</param>
    /// <exception cref="ArgumentException"><paramref name="schema"/> is neither an object nor a boolean.</exception>
    public JsonSchemaValidator(JsonElement schema)
    {
        if (schema.ValueKind is not (JsonValueKind.Object or JsonValueKind.True or JsonValueKind.False))
        {
            throw new ArgumentException(
                $"A JSON schema must be a JSON object or a boolean, but a {Describe(schema.ValueKind)} was given. Pass the schema document itself, for example the result of AIJsonUtilities.CreateJsonSchema.",
                nameof(schema));
        }

        Schema = schema.Clone();

        // Every keyword is looked up once here; validation then walks the compiled tree.
        _root = JsonSchemaNode.Compile(Schema, 0, MaxDepth + 1);
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
        // One state per thread is reused: a validation that passes allocates nothing of its own.
        var state = t_cachedState ?? new State();
        t_cachedState = null;
        state.Reset(MaxErrors);
        try
        {
            ValidateCore(_root, instance, state, 0);
            return state.Errors is null ? [] : state.Errors;
        }
        finally
        {
            state.Reset(0);
            t_cachedState = state;
        }
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

    private void ValidateCore(JsonSchemaNode schema, JsonElement instance, State state, int depth)
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

        switch (schema.Kind)
        {
            case JsonSchemaNodeKind.True:
                return;
            case JsonSchemaNodeKind.False:
                state.Add("no value is allowed here");
                return;
            case JsonSchemaNodeKind.Object:
                break;
            default:
                return;
        }

        if (schema.Reference is { } target)
        {
            var resolved = Resolve(schema);
            if (!ReferenceEquals(resolved, JsonSchemaNode.UnresolvedReference))
            {
                ValidateCore(resolved, instance, state, depth + 1);
            }
            else
            {
                state.Add($"the schema refers to \"{target}\", which cannot be resolved; only references inside the same schema document (\"#\", \"#/$defs/...\") are supported");
            }
        }

        if (schema.HasType && !schema.HasInstanceType(instance))
        {
            state.Add($"expected {schema.ExpectedTypes}, got {DescribeValue(instance)}");

            // The other keywords would only repeat the type mismatch.
            return;
        }

        if (schema.HasConst && !JsonElement.DeepEquals(schema.Const, instance))
        {
            state.Add($"expected {Abbreviate(schema.Const)}, got {Abbreviate(instance)}");
        }

        if (schema.HasEnum)
        {
            CheckEnum(schema.Enum, instance, state);
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

        if (schema.AllOf is { } allOf)
        {
            foreach (var subschema in allOf)
            {
                ValidateCore(subschema, instance, state, depth + 1);
            }
        }

        if (schema.AnyOf is { } anyOf)
        {
            CheckAlternatives(anyOf, instance, state, depth, exactlyOne: false);
        }

        if (schema.OneOf is { } oneOf)
        {
            CheckAlternatives(oneOf, instance, state, depth, exactlyOne: true);
        }

        if (schema.Not is { } not && Matches(not, instance, state, depth))
        {
            state.Add("the value matches a shape that is not allowed here");
        }

        if (schema.If is { } condition)
        {
            var consequence = Matches(condition, instance, state, depth) ? schema.Then : schema.Else;
            if (consequence is not null)
            {
                ValidateCore(consequence, instance, state, depth + 1);
            }
        }
    }

    internal static bool IsInteger(JsonElement number)
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

    private void CheckObject(JsonSchemaNode schema, JsonElement instance, State state, int depth)
    {
        if (schema.Required is { } required)
        {
            foreach (var name in required)
            {
                if (!instance.TryGetProperty(name, out _))
                {
                    state.Add($"missing required property \"{name}\"");
                }
            }
        }

        var properties = schema.PropertyNodes;
        var patterns = schema.PatternProperties;
        var additional = schema.AdditionalProperties;
        var count = 0;

        foreach (var property in instance.EnumerateObject())
        {
            count++;
            if (state.IsFull)
            {
                return;
            }

            if (properties is null && patterns is null && additional is null)
            {
                // No keyword looks at the properties: only count them.
                continue;
            }

            state.Push(property);
            var matched = false;
            if (properties is not null && FindProperty(schema, property) is { } propertySchema)
            {
                matched = true;
                ValidateCore(propertySchema, property.Value, state, depth + 1);
            }

            if (patterns is not null)
            {
                var name = property.Name;
                foreach (var pattern in patterns)
                {
                    if (GetRegex(pattern.Key).IsMatch(name))
                    {
                        matched = true;
                        ValidateCore(pattern.Value, property.Value, state, depth + 1);
                    }
                }
            }

            if (!matched && additional is not null)
            {
                if (additional.Kind == JsonSchemaNodeKind.False)
                {
                    state.Add(properties is not null
                        ? $"property \"{property.Name}\" is not allowed; allowed properties are {ListNames(schema.Properties)}"
                        : $"property \"{property.Name}\" is not allowed");
                }
                else
                {
                    ValidateCore(additional, property.Value, state, depth + 1);
                }
            }

            state.Pop();
        }

        if (schema.MinProperties.TryGetValue(out var minCount) && count < minCount)
        {
            state.Add($"must have at least {minCount} properties, got {count}");
        }

        if (schema.MaxProperties.TryGetValue(out var maxCount) && count > maxCount)
        {
            state.Add($"must have at most {maxCount} properties, got {count}");
        }
    }

    /// <summary>Finds the subschema of a property by name; small schemas compare the UTF-8 name in place, without reading it into a string.</summary>
    private static JsonSchemaNode? FindProperty(JsonSchemaNode schema, JsonProperty property)
    {
        if (schema.SmallProperties is { } small)
        {
            foreach (var (utf8Name, node) in small)
            {
                if (property.NameEquals(utf8Name))
                {
                    return node;
                }
            }

            return null;
        }

        return schema.PropertyNodes!.TryGetValue(property.Name, out var found) ? found : null;
    }

    private void CheckArray(JsonSchemaNode schema, JsonElement instance, State state, int depth)
    {
        var length = instance.GetArrayLength();
        if (schema.MinItems.TryGetValue(out var minCount) && length < minCount)
        {
            state.Add($"must have at least {minCount} item(s), got {length}");
        }

        if (schema.MaxItems.TryGetValue(out var maxCount) && length > maxCount)
        {
            state.Add($"must have at most {maxCount} item(s), got {length}");
        }

        var prefix = schema.PrefixItems;
        var prefixCount = prefix?.Length ?? 0;
        var items = schema.Items;
        if (prefixCount > 0 || items is not null)
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
                    ValidateCore(prefix![index], item, state, depth + 1);
                }
                else if (items is not null)
                {
                    if (items.Kind == JsonSchemaNodeKind.False)
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

        if (schema.UniqueItems)
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

    private void CheckString(JsonSchemaNode schema, JsonElement instance, State state)
    {
        if (!schema.HasStringKeywords)
        {
            return;
        }

        var value = instance.GetString()!;
        if (schema.HasLengthKeywords)
        {
            var length = CountCodePoints(value);
            if (schema.MinLength is { } minLength && length < minLength)
            {
                state.Add($"must be at least {minLength} character(s) long, got {length}");
            }

            if (schema.MaxLength is { } maxLength && length > maxLength)
            {
                state.Add($"must be at most {maxLength} character(s) long, got {length}");
            }
        }

        if (schema.Pattern is { } source)
        {
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

    private static void CheckNumber(JsonSchemaNode schema, JsonElement instance, State state)
    {
        var value = instance.GetDouble();
        if (schema.Minimum.IsSet && value < schema.Minimum.GetValue())
        {
            state.Add($"must be greater than or equal to {schema.Minimum.RawText}, got {instance.GetRawText()}");
        }

        if (schema.Maximum.IsSet && value > schema.Maximum.GetValue())
        {
            state.Add($"must be less than or equal to {schema.Maximum.RawText}, got {instance.GetRawText()}");
        }

        if (schema.ExclusiveMinimum.IsSet && value <= schema.ExclusiveMinimum.GetValue())
        {
            state.Add($"must be greater than {schema.ExclusiveMinimum.RawText}, got {instance.GetRawText()}");
        }

        if (schema.ExclusiveMaximum.IsSet && value >= schema.ExclusiveMaximum.GetValue())
        {
            state.Add($"must be less than {schema.ExclusiveMaximum.RawText}, got {instance.GetRawText()}");
        }

        if (schema.MultipleOf.IsSet)
        {
            var divisor = schema.MultipleOf.GetValue();
            if (divisor > 0)
            {
                var quotient = value / divisor;
                if (Math.Abs(quotient - Math.Round(quotient)) > 1e-9)
                {
                    state.Add($"must be a multiple of {schema.MultipleOf.RawText}, got {instance.GetRawText()}");
                }
            }
        }
    }

    private void CheckAlternatives(JsonSchemaNode[] alternatives, JsonElement instance, State state, int depth, bool exactlyOne)
    {
        var matches = 0;
        List<string>? firstErrors = null;
        var index = 0;
        foreach (var alternative in alternatives)
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

    private bool Matches(JsonSchemaNode schema, JsonElement instance, State state, int depth) =>
        state.Probe(this, schema, instance, depth + 1) is null;

    /// <summary>Resolves the <c>$ref</c> of a node, once per reference text; the answer is cached on the node.</summary>
    private JsonSchemaNode Resolve(JsonSchemaNode node)
    {
        if (node.ReferenceTarget is { } cached)
        {
            return cached;
        }

        var target = _references.GetOrAdd(
            node.Reference!,
            static (reference, self) => self.TryResolve(reference, out var element)
                ? (reference == "#" ? self._root : JsonSchemaNode.Compile(element, 0, MaxDepth + 1))
                : JsonSchemaNode.UnresolvedReference,
            this);
        node.ReferenceTarget = target;
        return target;
    }

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

    private sealed class State
    {
        /// <summary>Property segments keep the <see cref="JsonProperty"/>: its name is read only when a path is written.</summary>
        private readonly List<(JsonProperty Property, int Index)> _segments = [];
        private int _limit;

        public List<JsonValidationError>? Errors { get; private set; }

        public bool IsFull => Errors is not null && Errors.Count >= _limit;

        public void Reset(int limit)
        {
            _segments.Clear();
            _limit = limit;
            Errors = null;
        }

        public void Push(JsonProperty property) => _segments.Add((property, -1));

        public void Push(int index) => _segments.Add((default, index));

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
        public List<JsonValidationError>? Probe(JsonSchemaValidator validator, JsonSchemaNode schema, JsonElement instance, int depth)
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
            foreach (var (property, index) in _segments)
            {
                if (index >= 0)
                {
                    builder.Append('[').Append(index.ToString(CultureInfo.InvariantCulture)).Append(']');
                }
                else
                {
                    var name = property.Name;
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
            foreach (var (property, index) in _segments)
            {
                builder.Append('/');
                if (index >= 0)
                {
                    builder.Append(index.ToString(CultureInfo.InvariantCulture));
                }
                else
                {
                    builder.Append(property.Name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal));
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
