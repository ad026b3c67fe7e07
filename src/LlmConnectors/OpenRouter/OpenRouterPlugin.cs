using System.Text.Json;
using System.Text.Json.Serialization;
using LlmConnectors.OpenRouter;

namespace LlmConnectors;

/// <summary>One entry of OpenRouter's <c>plugins</c> request member (<c>web</c> search, <c>file-parser</c>, <c>response-healing</c>, ...).</summary>
public sealed class OpenRouterPlugin
{
    /// <summary>Initializes a new instance of the <see cref="OpenRouterPlugin"/> class.</summary>
    public OpenRouterPlugin()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="OpenRouterPlugin"/> class.</summary>
    /// <param name="id">The plugin id, for example <c>web</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="id"/> is empty.</exception>
    public OpenRouterPlugin(string id)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        Id = id;
    }

    /// <summary>Gets or sets the plugin id: <c>web</c>, <c>file-parser</c>, <c>response-healing</c>, <c>moderation</c>, ...</summary>
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    /// <summary>Gets or sets the plugin's own settings, sent next to <c>id</c> (for example <c>max_results</c> for <c>web</c>, <c>pdf</c> for <c>file-parser</c>).</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Settings { get; set; }

    /// <summary>Creates the <c>web</c> search plugin.</summary>
    /// <param name="maxResults">How many results to add to the prompt; OpenRouter's default when <see langword="null"/>.</param>
    /// <param name="searchPrompt">The text that introduces the results; OpenRouter's default when <see langword="null"/>.</param>
    /// <returns>The plugin.</returns>
    public static OpenRouterPlugin Web(int? maxResults = null, string? searchPrompt = null)
    {
        var plugin = new OpenRouterPlugin("web");
        if (maxResults is { } max)
        {
            (plugin.Settings ??= new Dictionary<string, JsonElement>())["max_results"] = JsonSerializer.SerializeToElement(max, OpenRouterJsonContext.Default.Int32);
        }

        if (searchPrompt is not null)
        {
            (plugin.Settings ??= new Dictionary<string, JsonElement>())["search_prompt"] = JsonSerializer.SerializeToElement(searchPrompt, OpenRouterJsonContext.Default.String);
        }

        return plugin;
    }

    /// <summary>Creates the <c>file-parser</c> plugin, which turns PDFs into text for models that cannot read them.</summary>
    /// <param name="pdfEngine"><c>pdf-text</c> (free), <c>mistral-ocr</c> or <c>native</c>.</param>
    /// <returns>The plugin.</returns>
    /// <exception cref="ArgumentException"><paramref name="pdfEngine"/> is empty.</exception>
    public static OpenRouterPlugin FileParser(string pdfEngine = "pdf-text")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pdfEngine);
        var engine = new Dictionary<string, JsonElement> { ["engine"] = JsonSerializer.SerializeToElement(pdfEngine, OpenRouterJsonContext.Default.String) };
        return new OpenRouterPlugin("file-parser")
        {
            Settings = new Dictionary<string, JsonElement> { ["pdf"] = JsonSerializer.SerializeToElement(engine, OpenRouterJsonContext.Default.DictionaryStringJsonElement) },
        };
    }
}
