namespace LlmConnectors.ClaudeProxy.Configuration;

/// <summary>The proxy's settings, bound from the <c>ClaudeProxy</c> configuration section (appsettings.json, <c>ClaudeProxy__*</c> environment variables, <c>--ClaudeProxy:*</c> arguments).</summary>
internal sealed class ClaudeProxyOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "ClaudeProxy";

    /// <summary>
    /// Reads the settings where the options pipeline is not running yet (while services are registered), with the same generated
    /// binding; a value that does not convert leaves the defaults here, and start-up validation reports it.
    /// </summary>
    /// <param name="configuration">The application configuration.</param>
    /// <returns>The settings, or the defaults when the section cannot be read.</returns>
    public static ClaudeProxyOptions Read(IConfiguration configuration)
    {
        var options = new ClaudeProxyOptions();
        try
        {
            configuration.GetSection(SectionName).Bind(options);
        }
        catch (InvalidOperationException)
        {
            return new ClaudeProxyOptions();
        }

        return options;
    }

    /// <summary>The address the proxy listens on when no <c>urls</c> setting is given.</summary>
    public const string DefaultUrl = "http://127.0.0.1:3010";

    /// <summary>
    /// Gets or sets the key clients must send as <c>Authorization: Bearer &lt;key&gt;</c> (or <c>x-api-key</c>). Default: none, which is
    /// allowed only while the proxy listens on loopback addresses.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// Gets or sets more keys clients may send, one per caller (each with the same rules as <see cref="ApiKey"/>). Every accepted key
    /// is a caller of its own: the shared rate limit and the response cache are kept per caller. Default: none.
    /// </summary>
    public string[] ApiKeys { get; set; } = [];

    /// <summary>
    /// Gets or sets the StackExchange.Redis configuration string of the Redis that replicas share (for example
    /// <c>redis.internal:6379,password=...,ssl=true</c>): the response cache and the shared rate limit live there. Default: none
    /// (each replica keeps only its own state; both features need it).
    /// </summary>
    public string? Redis { get; set; }

    /// <summary>Gets the response cache settings (<c>ClaudeProxy:ResponseCache</c>), kept in <see cref="Redis"/>.</summary>
    public ProxyResponseCacheOptions ResponseCache { get; } = new();

    /// <summary>Gets the shared rate limit settings (<c>ClaudeProxy:RateLimit</c>), counted in <see cref="Redis"/> across replicas.</summary>
    public ProxyRateLimitOptions RateLimit { get; } = new();

    /// <summary>Gets or sets the largest request body accepted, in bytes; larger bodies get 413. Default: 4 MiB.</summary>
    public long MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Gets or sets the largest number of messages in one request; more get 400. Default: 1,000.</summary>
    public int MaxMessages { get; set; } = 1000;

    /// <summary>Gets or sets what happens to parameters the CLI cannot honour. Default: <see cref="UnsupportedParameterHandling.Ignore"/> (served, named in a response header and a log line).</summary>
    public UnsupportedParameterHandling UnsupportedParameters { get; set; } = UnsupportedParameterHandling.Ignore;

    /// <summary>
    /// Gets the models clients may ask for: the id a client sends (the key, matched case-insensitively) mapped to the model the
    /// CLI is started with (the value). Configured entries are added to these defaults or replace them by key.
    /// </summary>
    public Dictionary<string, string> Models { get; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["sonnet"] = "sonnet",
        ["opus"] = "opus",
        ["haiku"] = "haiku",
        ["claude-sonnet-4-5"] = "claude-sonnet-4-5",
        ["claude-opus-4-5"] = "claude-opus-4-5",
        ["claude-haiku-4-5"] = "claude-haiku-4-5",
    };

    /// <summary>Gets or sets how many requests are served at once; more wait in the queue. Default: 4.</summary>
    public int MaxConcurrentRequests { get; set; } = 4;

    /// <summary>Gets or sets how many requests may wait for a free slot; beyond that the proxy answers 429 with <c>Retry-After</c>. Default: 64.</summary>
    public int QueueLimit { get; set; } = 64;

    /// <summary>
    /// Gets or sets the smallest <c>Retry-After</c> sent with a 429 when the queue is full. The proxy sends more when its recent
    /// requests say a slot takes longer to free (their average duration divided by <see cref="MaxConcurrentRequests"/>). Default: 1 second.
    /// </summary>
    public TimeSpan QueueFullRetryAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets how long one request may take, queueing included, before the proxy answers 504 and cancels the CLI. Default: 5 minutes.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets how long shutdown waits for in-flight requests before it cancels them and kills the CLI processes. Default: 15 seconds.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Gets or sets a value indicating whether <c>image_url</c> parts with http(s) URLs are downloaded by the proxy. Default: <see langword="false"/> (only <c>data:</c> URLs).</summary>
    public bool AllowRemoteImages { get; set; }

    /// <summary>Gets or sets the largest image the proxy downloads for a remote <c>image_url</c>, in bytes. Default: 10 MiB.</summary>
    public long MaxRemoteImageBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Gets or sets how long one remote image download may take, redirects included. Default: 20 seconds.</summary>
    public TimeSpan RemoteImageTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Gets or sets the host names remote images may be downloaded from (an entry starting with a dot, <c>.example.com</c>, also allows
    /// its subdomains), checked on every redirect too. Default: none configured, which allows every public host.
    /// </summary>
    public string[] RemoteImageHosts { get; set; } = [];

    /// <summary>
    /// Gets or sets a value indicating whether remote image downloads may contact loopback, private or link-local addresses (the
    /// proxy's own machine and network). Default: <see langword="false"/>.
    /// </summary>
    public bool AllowPrivateNetworkImages { get; set; }

    /// <summary>
    /// Gets or sets the host names the proxy answers to (the <c>Host</c> header, port ignored), as ASP.NET Core's host filtering
    /// matches them: <c>proxy.example.com</c>, <c>*.example.com</c>, or <c>*</c> for any. Other names get 400 <c>host_not_allowed</c>,
    /// which defeats DNS rebinding (a web page whose own name resolves to 127.0.0.1). Default: none configured, which means the
    /// loopback names <c>localhost</c>, <c>127.0.0.1</c> and <c>[::1]</c>; listening on another address requires this setting.
    /// </summary>
    public string[] AllowedHosts { get; set; } = [];

    /// <summary>
    /// Gets or sets the origins web pages may call the proxy from (CORS), such as <c>https://app.example.com</c>, or <c>*</c>.
    /// Default: none: every browser request from a web page (an <c>Origin</c> header, or <c>Sec-Fetch-Site</c> <c>cross-site</c> or
    /// <c>same-site</c>) gets 403 <c>origin_not_allowed</c>, and no CORS headers are sent.
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];
}
