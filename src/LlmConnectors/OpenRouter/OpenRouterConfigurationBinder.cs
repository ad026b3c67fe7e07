using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace LlmConnectors.OpenRouter;

/// <summary>
/// Binds <see cref="OpenRouterClientOptions"/> from configuration without reflection (the library is trimming- and AOT-safe).
/// Keys are case-insensitive; a value that does not parse fails with a message naming the setting and the expected form.
/// </summary>
internal static class OpenRouterConfigurationBinder
{
    /// <summary>Copies the settings present in <paramref name="configuration"/> onto <paramref name="options"/>.</summary>
    /// <param name="configuration">The <c>OpenRouter</c> section.</param>
    /// <param name="options">The options to fill.</param>
    /// <param name="path">The section path, used in messages.</param>
    /// <exception cref="InvalidOperationException">A value does not parse.</exception>
    public static void Bind(IConfiguration configuration, OpenRouterClientOptions options, string path)
    {
        options.ApiKey = configuration["ApiKey"] ?? options.ApiKey;
        options.ModelId = configuration["ModelId"] ?? options.ModelId;
        options.AppUrl = configuration["AppUrl"] ?? options.AppUrl;
        options.AppTitle = configuration["AppTitle"] ?? options.AppTitle;
        if (configuration["Endpoint"] is { } endpoint)
        {
            options.Endpoint = Uri.TryCreate(endpoint, UriKind.Absolute, out var uri)
                ? uri
                : throw ConfigurationValues.Invalid<OpenRouterClientOptions>(path, "Endpoint", endpoint, "an absolute URL such as https://openrouter.ai/api/v1");
        }

        if (configuration["Timeout"] is { } timeout)
        {
            options.Timeout = string.IsNullOrWhiteSpace(timeout) ? null : ConfigurationValues.Time<OpenRouterClientOptions>(configuration, path, "Timeout");
        }

        options.ModelCatalogCacheDuration = ConfigurationValues.Time<OpenRouterClientOptions>(configuration, path, "ModelCatalogCacheDuration") ?? options.ModelCatalogCacheDuration;

        if (Strings(configuration.GetSection("Models")) is { } models)
        {
            options.Models = models;
        }

        var retry = configuration.GetSection("Retry");
        if (retry.Exists())
        {
            ConfigurationValues.BindRetry<OpenRouterClientOptions>(retry, path + ":Retry", options.Retry ??= new TransportRetryOptions());
        }

        var provider = configuration.GetSection("Provider");
        if (provider.Exists())
        {
            var providerPath = path + ":Provider";
            var target = options.Provider ??= new OpenRouterProviderPreferences();
            target.Order = Strings(provider.GetSection("Order")) ?? target.Order;
            target.Only = Strings(provider.GetSection("Only")) ?? target.Only;
            target.Ignore = Strings(provider.GetSection("Ignore")) ?? target.Ignore;
            target.Quantizations = Strings(provider.GetSection("Quantizations")) ?? target.Quantizations;
            target.AllowFallbacks = ConfigurationValues.Bool<OpenRouterClientOptions>(provider, providerPath, "AllowFallbacks") ?? target.AllowFallbacks;
            target.RequireParameters = ConfigurationValues.Bool<OpenRouterClientOptions>(provider, providerPath, "RequireParameters") ?? target.RequireParameters;
            target.Zdr = ConfigurationValues.Bool<OpenRouterClientOptions>(provider, providerPath, "Zdr") ?? target.Zdr;
            target.DataCollection = provider["DataCollection"] ?? target.DataCollection;
            target.Sort = provider["Sort"] ?? target.Sort;
            var maxPrice = provider.GetSection("MaxPrice");
            if (maxPrice.Exists())
            {
                var pricePath = providerPath + ":MaxPrice";
                var price = target.MaxPrice ??= new OpenRouterMaxPrice();
                price.Prompt = ConfigurationValues.Decimal<OpenRouterClientOptions>(maxPrice, pricePath, "Prompt") ?? price.Prompt;
                price.Completion = ConfigurationValues.Decimal<OpenRouterClientOptions>(maxPrice, pricePath, "Completion") ?? price.Completion;
                price.Request = ConfigurationValues.Decimal<OpenRouterClientOptions>(maxPrice, pricePath, "Request") ?? price.Request;
                price.Image = ConfigurationValues.Decimal<OpenRouterClientOptions>(maxPrice, pricePath, "Image") ?? price.Image;
            }
        }

        var reasoning = configuration.GetSection("Reasoning");
        if (reasoning.Exists())
        {
            var reasoningPath = path + ":Reasoning";
            var target = options.Reasoning ??= new OpenRouterReasoningOptions();
            target.Effort = reasoning["Effort"] ?? target.Effort;
            target.MaxTokens = ConfigurationValues.Int<OpenRouterClientOptions>(reasoning, reasoningPath, "MaxTokens") ?? target.MaxTokens;
            target.Exclude = ConfigurationValues.Bool<OpenRouterClientOptions>(reasoning, reasoningPath, "Exclude") ?? target.Exclude;
            target.Enabled = ConfigurationValues.Bool<OpenRouterClientOptions>(reasoning, reasoningPath, "Enabled") ?? target.Enabled;
        }

        var plugins = configuration.GetSection("Plugins");
        if (plugins.Exists())
        {
            var list = new List<OpenRouterPlugin>();
            foreach (var item in plugins.GetChildren())
            {
                var id = item["Id"] ?? item.Value;
                if (string.IsNullOrWhiteSpace(id))
                {
                    throw new InvalidOperationException($"{item.Path}:Id is not set; every plugin needs an id such as 'web' or 'file-parser'.");
                }

                var plugin = new OpenRouterPlugin(id);
                foreach (var setting in item.GetChildren())
                {
                    if (!string.Equals(setting.Key, "Id", StringComparison.OrdinalIgnoreCase))
                    {
                        (plugin.Settings ??= new Dictionary<string, JsonElement>(StringComparer.Ordinal))[setting.Key] = ToJson(setting);
                    }
                }

                list.Add(plugin);
            }

            options.Plugins = list;
        }
    }

    private static List<string>? Strings(IConfigurationSection section)
    {
        if (!section.Exists())
        {
            return null;
        }

        if (section.Value is { } single)
        {
            return [.. single.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        }

        var result = new List<string>();
        foreach (var child in section.GetChildren())
        {
            if (!string.IsNullOrWhiteSpace(child.Value))
            {
                result.Add(child.Value);
            }
        }

        return result;
    }

    private static JsonElement ToJson(IConfigurationSection section)
    {
        if (section.Value is { } value)
        {
            if (bool.TryParse(value, out var b))
            {
                return JsonSerializer.SerializeToElement(b, OpenRouterJsonContext.Default.Boolean);
            }

            if (long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l))
            {
                return JsonSerializer.SerializeToElement(l, OpenRouterJsonContext.Default.Int64);
            }

            return JsonSerializer.SerializeToElement(value, OpenRouterJsonContext.Default.String);
        }

        var children = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var child in section.GetChildren())
        {
            children[child.Key] = ToJson(child);
        }

        return JsonSerializer.SerializeToElement(children, OpenRouterJsonContext.Default.DictionaryStringJsonElement);
    }
}
