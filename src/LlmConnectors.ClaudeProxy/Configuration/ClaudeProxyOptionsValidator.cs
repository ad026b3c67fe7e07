using System.Net;
using Microsoft.Extensions.Options;

namespace LlmConnectors.ClaudeProxy.Configuration;

/// <summary>Checks the settings at start-up, so that a misconfigured proxy refuses to start with one message per problem.</summary>
internal sealed class ClaudeProxyOptionsValidator(IConfiguration configuration) : IValidateOptions<ClaudeProxyOptions>
{
    /// <summary>The shortest API key accepted.</summary>
    public const int MinimumApiKeyLength = 16;

    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, ClaudeProxyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        const string P = ClaudeProxyOptions.SectionName;

        var listenUrls = GetListenUrls(configuration);
        var exposed = listenUrls.Where(url => !IsLoopback(url)).ToList();
        if (options.ApiKey is { } key)
        {
            if (key.Length < MinimumApiKeyLength || key.Any(char.IsWhiteSpace))
            {
                errors.Add($"{P}:ApiKey must be at least {MinimumApiKeyLength} characters long and contain no white space; generate one with `openssl rand -hex 32`.");
            }
        }
        else if (exposed.Count > 0 && options.ApiKeys.Length == 0)
        {
            errors.Add(
                $"The proxy is configured to listen on {string.Join(", ", exposed)}, which is not a loopback address, but {P}:ApiKey is not set. " +
                $"Set {P}:ApiKey (environment variable {P}__ApiKey) to a secret of at least {MinimumApiKeyLength} characters, or listen on {ClaudeProxyOptions.DefaultUrl} only.");
        }

        for (var i = 0; i < options.ApiKeys.Length; i++)
        {
            if (options.ApiKeys[i] is not { } extra || extra.Length < MinimumApiKeyLength || extra.Any(char.IsWhiteSpace))
            {
                errors.Add($"{P}:ApiKeys:{i} must be at least {MinimumApiKeyLength} characters long and contain no white space; generate one with `openssl rand -hex 32`.");
            }
        }

        ValidateReplicaSettings(errors, options);

        if (exposed.Count > 0 && options.AllowedHosts.Length == 0)
        {
            errors.Add(
                $"The proxy is configured to listen on {string.Join(", ", exposed)}, but {P}:AllowedHosts is not set, so it would answer only to the names localhost, 127.0.0.1 and [::1]. " +
                $"Set {P}:AllowedHosts (environment variables {P}__AllowedHosts__0, __1, ...) to the host names clients use, such as proxy.example.com, or to * to accept any name (the API key still protects the proxy).");
        }

        foreach (var url in listenUrls)
        {
            if (IsIPv4MappedAddress(url))
            {
                errors.Add($"The listen address {url} is an IPv4 address written as IPv6 (::ffff:), which the server cannot bind; write it as IPv4, for example {ClaudeProxyOptions.DefaultUrl}.");
            }
        }

        foreach (var host in options.AllowedHosts)
        {
            if (!IsHostPattern(host))
            {
                errors.Add($"{P}:AllowedHosts contains '{host}'; each entry must be a host name without scheme or port, such as proxy.example.com, *.example.com, 127.0.0.1, [::1], or *.");
            }
        }

        if (configuration.GetSection($"{P}:CorsAllowedOrigins").Exists())
        {
            errors.Add($"{P}:CorsAllowedOrigins was renamed {P}:AllowedOrigins; rename the setting (environment variables {P}__AllowedOrigins__0, __1, ...).");
        }

        if (options.MaxRequestBodyBytes is < 1024 or > 1024L * 1024 * 1024)
        {
            errors.Add($"{P}:MaxRequestBodyBytes is {options.MaxRequestBodyBytes}; it must be between 1024 (1 KiB) and 1073741824 (1 GiB).");
        }

        if (options.MaxMessages < 1)
        {
            errors.Add($"{P}:MaxMessages is {options.MaxMessages}; it must be at least 1.");
        }

        if (!Enum.IsDefined(options.UnsupportedParameters))
        {
            errors.Add($"{P}:UnsupportedParameters is {options.UnsupportedParameters}; it must be Reject or Ignore.");
        }

        if (options.Models.Count == 0)
        {
            errors.Add($"{P}:Models is empty; configure at least one model, for example {P}:Models:sonnet=sonnet.");
        }

        foreach (var (id, cliModel) in options.Models)
        {
            if (string.IsNullOrWhiteSpace(id) || string.IsNullOrWhiteSpace(cliModel))
            {
                errors.Add($"{P}:Models:{id} maps to '{cliModel}'; both the model id and the CLI model must be non-empty.");
            }
        }

        if (options.MaxConcurrentRequests is < 1 or > 1024)
        {
            errors.Add($"{P}:MaxConcurrentRequests is {options.MaxConcurrentRequests}; it must be between 1 and 1024.");
        }

        if (options.QueueLimit is < 0 or > 100_000)
        {
            errors.Add($"{P}:QueueLimit is {options.QueueLimit}; it must be between 0 and 100000.");
        }

        CheckPositive(errors, $"{P}:QueueFullRetryAfter", options.QueueFullRetryAfter);
        CheckPositive(errors, $"{P}:RequestTimeout", options.RequestTimeout);
        CheckPositive(errors, $"{P}:ShutdownTimeout", options.ShutdownTimeout);
        CheckPositive(errors, $"{P}:RemoteImageTimeout", options.RemoteImageTimeout);

        if (options.MaxRemoteImageBytes < 1)
        {
            errors.Add($"{P}:MaxRemoteImageBytes is {options.MaxRemoteImageBytes}; it must be at least 1.");
        }

        foreach (var origin in options.AllowedOrigins)
        {
            if (origin != "*" && !(Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.AbsolutePath == "/" && !origin.EndsWith('/')))
            {
                errors.Add($"{P}:AllowedOrigins contains '{origin}'; each entry must be an origin such as https://app.example.com (scheme, host, optional port, no path or trailing slash) or *.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Gets the addresses the server is configured to listen on (<c>urls</c>, <c>http_ports</c>, <c>https_ports</c>, <c>Kestrel:Endpoints</c>).</summary>
    /// <param name="configuration">The application configuration.</param>
    /// <returns>The addresses; the proxy's default address when nothing is configured.</returns>
    public static IReadOnlyList<string> GetListenUrls(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var urls = new List<string>();
        if (configuration["urls"] is { Length: > 0 } configured)
        {
            urls.AddRange(configured.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        foreach (var key in new[] { "http_ports", "https_ports" })
        {
            if (configuration[key] is { Length: > 0 } ports)
            {
                // Ports alone bind every interface.
                urls.AddRange(ports.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => $"http://*:{p}"));
            }
        }

        foreach (var endpoint in configuration.GetSection("Kestrel:Endpoints").GetChildren())
        {
            if (endpoint["Url"] is { Length: > 0 } url)
            {
                urls.Add(url);
            }
        }

        return urls.Count == 0 ? [ClaudeProxyOptions.DefaultUrl] : urls;
    }

    /// <summary>Tells whether a listen address is reachable from this machine only (loopback or a Unix socket).</summary>
    /// <param name="url">The address, for example <c>http://127.0.0.1:3010</c>.</param>
    /// <returns><see langword="true"/> for 127.0.0.0/8, ::1, localhost and Unix sockets.</returns>
    public static bool IsLoopback(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        BindingAddress address;
        try
        {
            address = BindingAddress.Parse(url);
        }
        catch (FormatException)
        {
            return false;
        }

        if (address.IsNamedPipe || address.IsUnixPipe)
        {
            return true;
        }

        var host = address.Host.Trim('[', ']');
        return string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) ||
            (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
    }

    /// <summary>Tells whether a listen address is an IPv4-mapped IPv6 address such as <c>[::ffff:127.0.0.1]</c>.</summary>
    private static bool IsIPv4MappedAddress(string url)
    {
        try
        {
            return IPAddress.TryParse(BindingAddress.Parse(url).Host.Trim('[', ']'), out var ip) && ip.IsIPv4MappedToIPv6;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>Tells whether an <c>AllowedHosts</c> entry is a host pattern as <see cref="HostString.MatchesAny"/> reads it.</summary>
    private static bool IsHostPattern(string host)
    {
        if (host == "*")
        {
            return true;
        }

        if (string.IsNullOrWhiteSpace(host) || host.Contains("://", StringComparison.Ordinal) || host.Contains('/'))
        {
            return false;
        }

        if (host.StartsWith('['))
        {
            return host.EndsWith(']') && IPAddress.TryParse(host[1..^1], out _);
        }

        var name = host.StartsWith("*.", StringComparison.Ordinal) ? host[2..] : host;
        return Uri.CheckHostName(name) is UriHostNameType.Dns or UriHostNameType.IPv4;
    }

    /// <summary>Checks the settings replicas share: the Redis they need, the cache expiry, the rate limit.</summary>
    private static void ValidateReplicaSettings(List<string> errors, ClaudeProxyOptions options)
    {
        const string P = ClaudeProxyOptions.SectionName;
        if (string.IsNullOrWhiteSpace(options.Redis))
        {
            if (options.ResponseCache.Enabled)
            {
                errors.Add($"{P}:ResponseCache:Enabled is true, but {P}:Redis is not set; set it to the Redis replicas share (for example 127.0.0.1:6379), or turn the cache off.");
            }

            if (options.RateLimit.RequestsPerWindow is not null)
            {
                errors.Add($"{P}:RateLimit:RequestsPerWindow is set, but {P}:Redis is not set; set it to the Redis replicas share (for example 127.0.0.1:6379), or leave the limit out.");
            }
        }
        else
        {
            try
            {
                _ = StackExchange.Redis.ConfigurationOptions.Parse(options.Redis);
            }
            catch (ArgumentException e)
            {
                errors.Add($"{P}:Redis is not a valid StackExchange.Redis configuration string ({e.Message}); write it as host:port followed by options, such as 127.0.0.1:6379,password=secret.");
            }
        }

        CheckPositive(errors, $"{P}:ResponseCache:Expiration", options.ResponseCache.Expiration);
        if (options.RateLimit.RequestsPerWindow is < 1)
        {
            errors.Add($"{P}:RateLimit:RequestsPerWindow is {options.RateLimit.RequestsPerWindow}; it must be 1 or more, or left out for no limit.");
        }

        if (options.RateLimit.Window < TimeSpan.FromSeconds(1) || options.RateLimit.Window.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            errors.Add($"{P}:RateLimit:Window is {options.RateLimit.Window}; it must be whole seconds, at least 00:00:01 (Redis counts the window in seconds).");
        }
    }

    private static void CheckPositive(List<string> errors, string setting, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"{setting} is {value}; it must be a positive duration such as 00:00:30.");
        }
    }
}
