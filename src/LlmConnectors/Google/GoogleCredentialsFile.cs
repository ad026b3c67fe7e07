using System.Text.Json;

namespace LlmConnectors;

/// <summary>What the pack reads from a Google credentials file itself: its type and project (the credential is built by Google.Apis.Auth).</summary>
/// <param name="Type">The <c>type</c>: <c>service_account</c> or <c>authorized_user</c>.</param>
/// <param name="ProjectId">The <c>project_id</c> (service accounts) or <c>quota_project_id</c> (user credentials), when present.</param>
internal sealed record GoogleCredentialsFile(string? Type, string? ProjectId)
{
    /// <summary>The file <c>gcloud auth application-default login</c> writes.</summary>
    /// <returns>Its path for the current user.</returns>
    public static string WellKnownFile() => OperatingSystem.IsWindows()
        ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData), "gcloud", "application_default_credentials.json")
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config", "gcloud", "application_default_credentials.json");

    /// <summary>Reads the type and project of a credentials file.</summary>
    /// <param name="path">The file, or <see langword="null"/>.</param>
    /// <returns>What was read, or <see langword="null"/> when there is no such file or it is not a JSON object.</returns>
    public static GoogleCredentialsFile? TryRead(string? path)
    {
        if (string.IsNullOrWhiteSpace(path) || !File.Exists(path))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            return new GoogleCredentialsFile(StringOf(root, "type"), StringOf(root, "project_id") ?? StringOf(root, "quota_project_id"));
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? StringOf(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;
}
