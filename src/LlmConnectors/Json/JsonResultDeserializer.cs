using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace LlmConnectors.Json;

/// <summary>Turns a JSON value into a .NET object, then checks it, with errors worded for the model.</summary>
internal static class JsonResultDeserializer
{
    internal const string RequiresUnreferencedCodeMessage =
        "DataAnnotations validation reads the attributes of the result type and its members through reflection. Set JsonResponseOptions.ValidateDataAnnotations to false and keep the type's members for trimming, or accept the warning.";

    /// <summary>The property MEAI wraps a value that is not an object in (see <see cref="JsonResultFormat{T}"/>).</summary>
    internal const string WrapperProperty = "data";

    private const int MaxObjectDepth = 32;

    [RequiresUnreferencedCode(RequiresUnreferencedCodeMessage)]
    public static bool TryDeserialize<T>(JsonElement value, JsonResponseOptions options, out T? result, out List<string> errors)
    {
        errors = [];
        var serializerOptions = options.GetEffectiveSerializerOptions();
        var typeInfo = (JsonTypeInfo<T>)serializerOptions.GetTypeInfo(typeof(T));

        // A type that is not an object was asked for wrapped in {"data": ...}, as MEAI's GetResponseAsync<T> does.
        if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty(JsonResultDeserializer.WrapperProperty, out var wrapped) &&
            JsonResultFormat<T>.Get(serializerOptions).Wrapped)
        {
            value = wrapped;
        }
        try
        {
            result = value.Deserialize(typeInfo);
        }
        catch (JsonException ex)
        {
            result = default;
            errors.Add(Describe(ex));
            return false;
        }

        if (result is null)
        {
            if (default(T) is null && Nullable.GetUnderlyingType(typeof(T)) is null)
            {
                errors.Add($"$: expected {DescribeType(typeof(T))}, got null");
                return false;
            }

            return true;
        }

        if (options.ValidateDataAnnotations)
        {
            ValidateObject(result, "$", serializerOptions, errors, new HashSet<object>(ReferenceEqualityComparer.Instance), 0);
        }

        return errors.Count == 0;
    }

    private static string Describe(JsonException ex)
    {
        var message = ex.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut > 0)
        {
            message = message[..cut];
        }

        return $"{ex.Path ?? "$"}: {message}";
    }

    private static string DescribeType(Type type) =>
        type.IsArray || (typeof(IEnumerable).IsAssignableFrom(type) && type != typeof(string)) ? "an array" : type == typeof(string) ? "a string" : "an object";

    [RequiresUnreferencedCode(RequiresUnreferencedCodeMessage)]
    private static void ValidateObject(object instance, string path, JsonSerializerOptions options, List<string> errors, HashSet<object> visited, int depth)
    {
        if (depth > MaxObjectDepth || !visited.Add(instance))
        {
            return;
        }

        var type = instance.GetType();
        if (instance is IEnumerable items and not string)
        {
            if (instance is IDictionary)
            {
                return;
            }

            var index = 0;
            foreach (var item in items)
            {
                if (item is not null && IsComplex(item.GetType()))
                {
                    ValidateObject(item, $"{path}[{index.ToString(CultureInfo.InvariantCulture)}]", options, errors, visited, depth + 1);
                }

                index++;
            }

            return;
        }

        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(instance, new ValidationContext(instance), results, validateAllProperties: true))
        {
            foreach (var result in results)
            {
                var located = false;
                foreach (var member in result.MemberNames)
                {
                    located = true;
                    var property = type.GetProperty(member, BindingFlags.Public | BindingFlags.Instance);
                    errors.Add($"{path}.{(property is null ? member : JsonName(property, options))}: {result.ErrorMessage}");
                }

                if (!located)
                {
                    errors.Add($"{path}: {result.ErrorMessage}");
                }
            }
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (!property.CanRead || property.GetIndexParameters().Length > 0 || !IsComplex(property.PropertyType) && !typeof(IEnumerable).IsAssignableFrom(property.PropertyType))
            {
                continue;
            }

            if (property.PropertyType == typeof(string) || property.GetValue(instance) is not { } child)
            {
                continue;
            }

            ValidateObject(child, $"{path}.{JsonName(property, options)}", options, errors, visited, depth + 1);
        }
    }

    private static bool IsComplex(Type type) =>
        !type.IsPrimitive && !type.IsEnum && type != typeof(string) && type != typeof(decimal) &&
        !(type.Namespace?.StartsWith("System", StringComparison.Ordinal) ?? false);

    private static string JsonName(PropertyInfo property, JsonSerializerOptions options) =>
        property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name
        ?? options.PropertyNamingPolicy?.ConvertName(property.Name)
        ?? property.Name;
}
