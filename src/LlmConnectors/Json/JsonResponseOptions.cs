using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.AI;

namespace LlmConnectors;

/// <summary>
/// How <see cref="JsonChatClientExtensions.GetJsonResponseAsync{T}(IChatClient, IEnumerable{ChatMessage}, ChatOptions?, JsonResponseOptions?, CancellationToken)"/>
/// and <see cref="DeserializesToResponseValidator{T}"/> turn JSON into a .NET object and check it.
/// </summary>
public sealed class JsonResponseOptions
{
    private Snapshot? _snapshot;

    /// <summary>Gets or sets the serializer options the effective options are derived from.</summary>
    /// <value>The default is <see cref="AIJsonUtilities.DefaultOptions"/>. For native AOT, pass options with a source-generated resolver for the result type.</value>
    public JsonSerializerOptions? SerializerOptions { get; set; }

    /// <summary>Gets or sets a value indicating whether a missing JSON property bound to a non-optional constructor parameter is an error.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool RespectRequiredConstructorParameters { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether <c>null</c> for a non-nullable reference type is an error.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool RespectNullableAnnotations { get; set; } = true;

    /// <summary>Gets or sets what happens to JSON properties the type does not have.</summary>
    /// <value>The default is <see cref="JsonUnmappedMemberHandling.Skip"/>; <see cref="JsonUnmappedMemberHandling.Disallow"/> makes them errors.</value>
    public JsonUnmappedMemberHandling UnmappedMemberHandling { get; set; } = JsonUnmappedMemberHandling.Skip;

    /// <summary>Gets or sets a value indicating whether the object (and the objects it holds) is validated with DataAnnotations attributes.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool ValidateDataAnnotations { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether the request carries the JSON schema of the result type as its response format.</summary>
    /// <value>The default is <see langword="true"/>; when <see langword="false"/>, only plain JSON is requested.</value>
    public bool IncludeSchema { get; set; } = true;

    internal static JsonResponseOptions Default { get; } = new();

    /// <summary>Gets the serializer options with the settings above applied; built once per combination of settings.</summary>
    internal JsonSerializerOptions GetEffectiveSerializerOptions()
    {
        var source = SerializerOptions ?? AIJsonUtilities.DefaultOptions;
        var snapshot = _snapshot;
        if (snapshot is not null && ReferenceEquals(snapshot.Source, source) &&
            snapshot.RespectRequired == RespectRequiredConstructorParameters &&
            snapshot.RespectNullable == RespectNullableAnnotations &&
            snapshot.Unmapped == UnmappedMemberHandling)
        {
            return snapshot.Options;
        }

        var options = new JsonSerializerOptions(source)
        {
            RespectRequiredConstructorParameters = RespectRequiredConstructorParameters,
            RespectNullableAnnotations = RespectNullableAnnotations,
            UnmappedMemberHandling = UnmappedMemberHandling,
        };
        options.MakeReadOnly();
        _snapshot = new Snapshot(source, RespectRequiredConstructorParameters, RespectNullableAnnotations, UnmappedMemberHandling, options);
        return options;
    }

    private sealed record Snapshot(JsonSerializerOptions Source, bool RespectRequired, bool RespectNullable, JsonUnmappedMemberHandling Unmapped, JsonSerializerOptions Options);
}
