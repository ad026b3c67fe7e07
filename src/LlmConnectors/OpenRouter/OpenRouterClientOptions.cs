namespace LlmConnectors;

/// <summary>Settings of <see cref="OpenRouterChatClient"/>, bindable from the <c>OpenRouter</c> configuration section.</summary>
public sealed class OpenRouterClientOptions
{
    /// <summary>The default API address.</summary>
    public static readonly Uri DefaultEndpoint = new("https://openrouter.ai/api/v1");

    /// <summary>The environment variable read when <see cref="ApiKey"/> is not set.</summary>
    public const string ApiKeyEnvironmentVariable = "OPENROUTER_API_KEY";

    /// <summary>
    /// Gets or sets the OpenRouter API key (<c>sk-or-...</c>). When empty, the <c>OPENROUTER_API_KEY</c> environment variable is used.
    /// Required (one or the other). Never logged, never in exception messages.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>Gets or sets the model used when a request does not set <c>ChatOptions.ModelId</c>, for example <c>openai/gpt-4o-mini</c>. Default: none.</summary>
    public string? ModelId { get; set; }

    /// <summary>Gets or sets the API base address. Default: <c>https://openrouter.ai/api/v1</c>.</summary>
    public Uri Endpoint { get; set; } = DefaultEndpoint;

    /// <summary>
    /// Gets or sets the HTTP client to send requests with (for example one from <c>IHttpClientFactory</c>). The client does not dispose it.
    /// Default: a client created and owned by <see cref="OpenRouterChatClient"/>.
    /// </summary>
    public HttpClient? HttpClient { get; set; }

    /// <summary>Gets or sets the transport-retry settings (429, 408, 502, 503, network faults; never 401, 402, 403). Default: 3 retries, 1 s base delay, jitter, <c>Retry-After</c> honoured.</summary>
    public TransportRetryOptions Retry { get; set; } = new();

    /// <summary>Gets or sets your app's URL, sent as <c>HTTP-Referer</c> for OpenRouter's app attribution. Default: not sent.</summary>
    public string? AppUrl { get; set; }

    /// <summary>Gets or sets your app's display name, sent as <c>X-OpenRouter-Title</c> (and the older <c>X-Title</c>). Default: not sent.</summary>
    public string? AppTitle { get; set; }

    /// <summary>
    /// Gets or sets the time allowed for each attempt until the response headers arrive (for a non-streaming request, until the whole body
    /// has arrived). Reasoning models may think for minutes before answering. Default: 10 minutes; <see langword="null"/> for no limit.
    /// </summary>
    public TimeSpan? Timeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Gets or sets the default fallback model list, sent as <c>models</c> unless a request sets its own. Default: none.</summary>
    public IList<string>? Models { get; set; }

    /// <summary>Gets or sets the default provider routing preferences, sent as <c>provider</c> unless a request sets its own. Default: none.</summary>
    public OpenRouterProviderPreferences? Provider { get; set; }

    /// <summary>Gets or sets the default plugins, sent as <c>plugins</c> unless a request sets its own. Default: none.</summary>
    public IList<OpenRouterPlugin>? Plugins { get; set; }

    /// <summary>Gets or sets the default reasoning settings, sent as <c>reasoning</c> unless a request sets its own. Default: none.</summary>
    public OpenRouterReasoningOptions? Reasoning { get; set; }

    /// <summary>Gets or sets how long the model catalogue behind the capability lookup is cached. Default: 1 hour.</summary>
    public TimeSpan ModelCatalogCacheDuration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets the clock used for retry delays and <c>Retry-After</c> dates (tests pass a controllable one). Default: the system clock.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Gets the API key to use: <see cref="ApiKey"/>, else the <c>OPENROUTER_API_KEY</c> environment variable.</summary>
    /// <returns>The key, or <see langword="null"/> when neither is set.</returns>
    public string? ResolveApiKey()
    {
        if (!string.IsNullOrWhiteSpace(ApiKey))
        {
            return ApiKey.Trim();
        }

        var fromEnvironment = Environment.GetEnvironmentVariable(ApiKeyEnvironmentVariable);
        return string.IsNullOrWhiteSpace(fromEnvironment) ? null : fromEnvironment.Trim();
    }

    /// <summary>Checks the settings and returns one message per problem, naming the setting and what to do.</summary>
    /// <param name="sectionName">The configuration section the options come from, used in the messages.</param>
    /// <returns>The problems; empty when the settings are valid.</returns>
    public IReadOnlyList<string> Validate(string sectionName = "OpenRouter")
    {
        var errors = new List<string>();
        if (ResolveApiKey() is null)
        {
            errors.Add($"{sectionName}:ApiKey is not set: set {sectionName}:ApiKey (OpenRouterClientOptions.ApiKey) or the {ApiKeyEnvironmentVariable} environment variable to an OpenRouter API key (create one at https://openrouter.ai/keys).");
        }

        if (Endpoint is null || !Endpoint.IsAbsoluteUri || (Endpoint.Scheme != Uri.UriSchemeHttps && Endpoint.Scheme != Uri.UriSchemeHttp))
        {
            errors.Add($"{sectionName}:Endpoint is '{Endpoint}'; it must be an absolute http(s) URL such as {DefaultEndpoint}.");
        }

        if (Timeout is { } timeout && timeout <= TimeSpan.Zero && timeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            errors.Add($"{sectionName}:Timeout is {timeout}; it must be positive (for example 00:10:00), or unset for no limit.");
        }

        if (ModelCatalogCacheDuration < TimeSpan.Zero)
        {
            errors.Add($"{sectionName}:ModelCatalogCacheDuration is {ModelCatalogCacheDuration}; it must be zero or positive (for example 01:00:00).");
        }

        if (ModelId is { } model && string.IsNullOrWhiteSpace(model))
        {
            errors.Add($"{sectionName}:ModelId is blank; set a model id such as openai/gpt-4o-mini, or remove the setting and pass ChatOptions.ModelId per request.");
        }

        if (AppUrl is { Length: > 0 } url && !Uri.TryCreate(url, UriKind.Absolute, out _))
        {
            errors.Add($"{sectionName}:AppUrl is '{url}'; it must be an absolute URL such as https://myapp.example.com (it is sent as HTTP-Referer).");
        }

        if (Retry is null)
        {
            errors.Add($"{sectionName}:Retry is null; remove the setting for the defaults, or set {sectionName}:Retry:Enabled=false to switch retries off.");
        }
        else
        {
            errors.AddRange(Retry.Validate($"{sectionName}:Retry"));
        }

        if (Provider?.DataCollection is { } dataCollection && dataCollection is not ("allow" or "deny"))
        {
            errors.Add($"{sectionName}:Provider:DataCollection is '{dataCollection}'; it must be 'allow' or 'deny'.");
        }

        if (Provider?.Sort is { } sort && sort is not ("price" or "throughput" or "latency"))
        {
            errors.Add($"{sectionName}:Provider:Sort is '{sort}'; it must be 'price', 'throughput' or 'latency'.");
        }

        return errors;
    }
}
