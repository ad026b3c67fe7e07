using System.Globalization;
using System.Text;
using System.Text.Json;
using Json.Schema;

namespace LlmConnectors;

/// <summary>
/// Validates JSON values against a JSON schema, with errors short enough to send back to the model that wrote the value.
/// A thin wrapper over <see href="https://www.nuget.org/packages/JsonSchema.Net/8.0.5">JsonSchema.Net</see> 8.0.5.
/// </summary>
/// <remarks>
/// <para>
/// The schema is compiled once, in the constructor; an instance is immutable and safe to share between threads, so keep one
/// per schema. The draft is taken from the schema's <c>$schema</c> (draft 6, 7, 2019-09 or 2020-12, as
/// <c>AIJsonUtilities.CreateJsonSchema</c> and <c>ChatResponseFormat.ForJsonSchema&lt;T&gt;()</c> write it); a schema without
/// <c>$schema</c> is read as draft 2020-12. <c>format</c> is an annotation and is not checked.
/// </para>
/// <para>
/// References are resolved inside the schema document (<c>$defs</c>, <c>definitions</c>, <c>$anchor</c>, JSON pointers,
/// embedded <c>$id</c>s) and to the standard meta-schemas; nothing is downloaded. Each validator has its own registry, so
/// schemas that reuse an <c>$id</c> do not interfere.
/// </para>
/// </remarks>
public sealed class JsonSchemaValidator
{
    private static readonly EvaluationOptions FlagOutput = new() { OutputFormat = OutputFormat.Flag };
    private static readonly EvaluationOptions HierarchicalOutput = new() { OutputFormat = OutputFormat.Hierarchical };

    private readonly JsonSchema _compiled;

    /// <summary>Initializes a new instance of the <see cref="JsonSchemaValidator"/> class and compiles the schema.</summary>
    /// <param name="schema">The JSON schema: an object or a boolean.</param>
    /// <exception cref="ArgumentException">
    /// <paramref name="schema"/> is neither an object nor a boolean, names in <c>$schema</c> a draft other than 6, 7, 2019-09 and
    /// 2020-12 (draft 4, a custom meta-schema), or is not a valid schema (a keyword with a wrong value).
    /// </exception>
    public JsonSchemaValidator(JsonElement schema)
    {
        if (schema.ValueKind is not (JsonValueKind.Object or JsonValueKind.True or JsonValueKind.False))
        {
            throw new ArgumentException(
                $"A JSON schema must be a JSON object or a boolean, but {Describe(schema.ValueKind)} was given. Pass the schema document itself, for example the result of AIJsonUtilities.CreateJsonSchema.",
                nameof(schema));
        }

        Schema = schema.Clone();
        // JsonSchema.Net takes some rules of the draft (draft 7 ignores the siblings of "$ref") from the build options only.
        var options = new BuildOptions { SchemaRegistry = new SchemaRegistry(), Dialect = DialectOf(Schema) };
        try
        {
            _compiled = JsonSchema.Build(Schema, options);
        }
        catch (JsonSchemaException ex)
        {
            throw new ArgumentException($"The JSON schema cannot be used: {ex.Message}. Fix the schema.", nameof(schema), ex);
        }
    }

    /// <summary>Gets the schema this validator checks against.</summary>
    public JsonElement Schema { get; }

    /// <summary>Gets the maximum number of errors one validation reports; further errors are dropped.</summary>
    /// <value>The default is 20.</value>
    public int MaxErrors { get; init; } = 20;

    /// <summary>Validates a JSON value.</summary>
    /// <param name="instance">The value to validate.</param>
    /// <returns>
    /// The violations found, empty when the value is valid. Only the branches that make the value invalid are reported: the
    /// failed alternatives of an <c>anyOf</c> that another alternative satisfied are not.
    /// </returns>
    /// <exception cref="InvalidOperationException">The validation reached a <c>$ref</c> that points outside the schema document.</exception>
    public IReadOnlyList<JsonValidationError> Validate(JsonElement instance)
    {
        // Valid answers are the common case: the flag output stops at the first failure and builds no error tree.
        if (Evaluate(instance, FlagOutput).IsValid)
        {
            return [];
        }

        var errors = new List<JsonValidationError>();
        Collect(Evaluate(instance, HierarchicalOutput), instance, errors, fix: null);
        return errors;
    }

    /// <summary>Tells whether a JSON value is valid against the schema.</summary>
    /// <param name="instance">The value to validate.</param>
    /// <returns><see langword="true"/> when the value has no violation.</returns>
    /// <exception cref="InvalidOperationException">The validation reached a <c>$ref</c> that points outside the schema document.</exception>
    public bool IsValid(JsonElement instance) => Evaluate(instance, FlagOutput).IsValid;

    private static Dialect DialectOf(JsonElement schema)
    {
        var uri = schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("$schema", out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!.TrimEnd('#')
            : null;
        return uri switch
        {
            null or "https://json-schema.org/draft/2020-12/schema" => Dialect.Draft202012,
            "http://json-schema.org/draft-06/schema" => Dialect.Draft06,
            "http://json-schema.org/draft-07/schema" => Dialect.Draft07,
            "https://json-schema.org/draft/2019-09/schema" => Dialect.Draft201909,
            _ => throw new ArgumentException(
                $"The JSON schema's \"$schema\" is \"{uri}\", a draft JsonSchema.Net 8.0.5 does not read. Use draft 6, 7, 2019-09 or 2020-12 (\"https://json-schema.org/draft/2020-12/schema\"), or leave \"$schema\" out for 2020-12; a draft 4 schema usually works as draft 6 once a boolean exclusiveMinimum/exclusiveMaximum becomes the number itself and \"id\" becomes \"$id\".",
                nameof(schema)),
        };
    }

    // JsonSchema.Net resolves references when the evaluation first reaches them.
    private EvaluationResults Evaluate(JsonElement instance, EvaluationOptions options)
    {
        try
        {
            return _compiled.Evaluate(instance, options);
        }
        catch (RefResolutionException ex)
        {
            throw new InvalidOperationException(
                $"The JSON schema cannot be used: {ex.Message}. References ($ref) must point inside the schema document (for example \"#/$defs/Name\"); nothing is downloaded.",
                ex);
        }
    }

    // Walks the failed branches only, so the failed alternatives of a satisfied anyOf are not reported.
    private void Collect(EvaluationResults node, JsonElement root, List<JsonValidationError> errors, PointerFix? fix)
    {
        if (node.IsValid || errors.Count >= MaxErrors)
        {
            return;
        }

        var before = errors.Count;
        var pointer = PointerFix.Apply(fix, node.InstanceLocation.ToString());
        foreach (var (keyword, message) in node.Errors ?? [])
        {
            if (errors.Count >= MaxErrors)
            {
                return;
            }

            errors.Add(keyword.Length > 0
                ? new JsonValidationError(ToPath(root, pointer), pointer, keyword, message)
                : FalseSchemaError(root, pointer, node.EvaluationPath.ToString()));
        }

        var prefixLength = CountChildren(node, "/prefixItems/");
        foreach (var child in node.Details ?? [])
        {
            Collect(child, root, errors, prefixLength > 0 && IsChildOf(node, child, "/items") ? PointerFix.Shift(fix, child, prefixLength) : fix);
        }

        if (errors.Count == before && errors.Count < MaxErrors)
        {
            errors.Add(UnexplainedError(node, root, pointer));
        }
    }

    private static int CountChildren(EvaluationResults node, string keywordPath)
    {
        var count = 0;
        foreach (var child in node.Details ?? [])
        {
            if (IsChildOf(node, child, keywordPath))
            {
                count++;
            }
        }

        return count;
    }

    private static bool IsChildOf(EvaluationResults node, EvaluationResults child, string keywordPath)
    {
        var parent = node.EvaluationPath.ToString();
        var path = child.EvaluationPath.ToString();
        return path.StartsWith(parent, StringComparison.Ordinal) && path.AsSpan(parent.Length).StartsWith(keywordPath, StringComparison.Ordinal);
    }

    // JsonSchema.Net gives no message for a failed "not", for "oneOf" with several matches, or for draft 7's "contains" on
    // an empty array: name the keyword from the subschemas that passed.
    private static JsonValidationError UnexplainedError(EvaluationResults node, JsonElement root, string pointer)
    {
        var path = ToPath(root, pointer);
        var prefix = node.EvaluationPath.ToString() + "/";
        var oneOfMatches = 0;
        foreach (var child in node.Details ?? [])
        {
            var childPath = child.EvaluationPath.ToString();
            if (!child.IsValid || !childPath.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var keyword = childPath[prefix.Length..].Split('/')[0];
            if (keyword == "not")
            {
                return new JsonValidationError(path, pointer, "not", "the value must not match the schema under \"not\"");
            }

            if (keyword == "oneOf")
            {
                oneOfMatches++;
            }
        }

        return oneOfMatches > 1
            ? new JsonValidationError(path, pointer, "oneOf", $"the value matches {oneOfMatches.ToString(CultureInfo.InvariantCulture)} alternatives of \"oneOf\" but must match exactly one")
            : new JsonValidationError(path, pointer, "schema", "the value does not match the schema here");
    }

    // JsonSchema.Net reports a failed boolean `false` subschema without a keyword; name the keyword that holds it.
    private static JsonValidationError FalseSchemaError(JsonElement root, string pointer, string evaluationPath)
    {
        var keyword = evaluationPath[(evaluationPath.LastIndexOf('/') + 1)..];
        var path = ToPath(root, pointer);
        return keyword switch
        {
            "" => new JsonValidationError(path, pointer, "false", "no value is allowed here (the schema is false)"),
            "additionalProperties" or "unevaluatedProperties" or "properties" or "patternProperties" =>
                new JsonValidationError(path, pointer, keyword, "this property is not allowed"),
            "items" or "additionalItems" or "unevaluatedItems" or "prefixItems" =>
                new JsonValidationError(path, pointer, keyword, "this array item is not allowed"),
            _ => new JsonValidationError(path, pointer, keyword, "no value is allowed here"),
        };
    }

    /// <summary>Turns an RFC 6901 pointer into a JSONPath-style location, looking at the instance to tell indexes from names.</summary>
    private static string ToPath(JsonElement root, string pointer)
    {
        if (pointer.Length == 0)
        {
            return "$";
        }

        var path = new StringBuilder("$");
        var current = root;
        foreach (var raw in pointer[1..].Split('/'))
        {
            var segment = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (current.ValueKind == JsonValueKind.Array && int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                path.Append('[').Append(segment).Append(']');
                current = index < current.GetArrayLength() ? current[index] : default;
            }
            else
            {
                if (IsIdentifier(segment))
                {
                    path.Append('.').Append(segment);
                }
                else
                {
                    path.Append("['").Append(segment.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)).Append("']");
                }

                current = current.ValueKind == JsonValueKind.Object && current.TryGetProperty(segment, out var child) ? child : default;
            }
        }

        return path.ToString();
    }

    private static bool IsIdentifier(string segment)
    {
        if (segment.Length == 0 || char.IsAsciiDigit(segment[0]))
        {
            return false;
        }

        foreach (var c in segment)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '$' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Undefined => "an undefined (default) JsonElement",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.Null => "null",
        _ => kind.ToString(),
    };

    /// <summary>
    /// Corrects instance locations that JsonSchema.Net 8.0.5 reports wrongly: after <c>prefixItems</c>, it numbers the items
    /// that <c>items</c> checks from the end of the prefix (the item at index 2 after a prefix of 2 is reported as 0). Each
    /// fix applies to one subtree of the results, so the prefix items' own (right) locations are left alone.
    /// </summary>
    private sealed record PointerFix(string Raw, string Corrected, PointerFix? Outer)
    {
        public static PointerFix? Shift(PointerFix? outer, EvaluationResults item, int prefixLength)
        {
            var raw = item.InstanceLocation.ToString();
            var slash = raw.LastIndexOf('/');
            if (slash < 0 || !int.TryParse(raw.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                return outer;
            }

            var corrected = Apply(outer, raw[..slash]) + "/" + (index + prefixLength).ToString(CultureInfo.InvariantCulture);
            return new PointerFix(raw, corrected, outer);
        }

        public static string Apply(PointerFix? fix, string pointer)
        {
            // The innermost fix that covers the pointer was computed from the outer ones already.
            for (var current = fix; current is not null; current = current.Outer)
            {
                if (pointer == current.Raw || (pointer.StartsWith(current.Raw, StringComparison.Ordinal) && pointer[current.Raw.Length] == '/'))
                {
                    return current.Corrected + pointer[current.Raw.Length..];
                }
            }

            return pointer;
        }
    }
}
