using LlmConnectors.ClaudeProxy.Configuration;
using LlmConnectors.ClaudeProxy.Health;
using LlmConnectors.ClaudeProxy.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LlmConnectors.ClaudeProxy;

/// <summary>
/// Registers the chat client the proxy serves when the host registers none: Microsoft.Extensions.AI's OpenTelemetry middleware
/// (the GenAI spans and metrics, under <see cref="Telemetry.ProxyTelemetry.SourceName"/>) around <see cref="JsonEnforcingChatClient"/>
/// around <see cref="ClaudeCliChatClient"/> with a warm process pool, configured from the <c>ClaudeProxy:Cli</c> section (every
/// <see cref="ClaudeCliOptions"/> setting).
/// </summary>
internal static class DefaultChatClient
{
    /// <summary>The configuration section of the CLI settings.</summary>
    public const string CliSectionName = ClaudeProxyOptions.SectionName + ":Cli";

    /// <summary>The warm pool size used when <c>ClaudeProxy:Cli:WarmPoolSize</c> is not set (bounded by the CLI's concurrency).</summary>
    public const int DefaultWarmPoolSize = 2;

    /// <summary>Adds the default chat client and its readiness check, unless the host registered its own.</summary>
    /// <param name="builder">The application builder.</param>
    public static void AddTo(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var cli = builder.Configuration.GetSection(CliSectionName);
        var bound = ClaudeProxyOptions.Read(builder.Configuration).MaxConcurrentRequests;
        var proxyConcurrency = bound > 0 ? bound : new ClaudeProxyOptions().MaxConcurrentRequests;
        // The served pipeline: MEAI's OpenTelemetry (gen_ai spans and metrics, with the CLI client's ChatClientMetadata) around
        // JSON enforcement (extracts and validates JSON answers of json_object / json_schema requests) around the CLI client.
        // Registered before AddClaudeCliChatClient, whose own unkeyed IChatClient registration then stands back.
        builder.Services.TryAddSingleton<IChatClient>(sp => new ChatClientBuilder(sp.GetRequiredService<ClaudeCliChatClient>())
            .UseOpenTelemetry(sourceName: Telemetry.ProxyTelemetry.SourceName)
            .UseJsonEnforcement()
            .Build(sp));
        builder.Services.AddClaudeCliChatClient(cli, options =>
        {
            if (string.IsNullOrEmpty(cli[nameof(ClaudeCliOptions.MaxConcurrency)]))
            {
                // The proxy's request queue (ProxyRequestLimit) lets MaxConcurrentRequests through; the CLI runs as many.
                options.MaxConcurrency = proxyConcurrency;
            }

            if (string.IsNullOrEmpty(cli[nameof(ClaudeCliOptions.WarmPoolSize)]))
            {
                // Without an executable every pool start would fail (and be logged) again at each request: no pool until a restart.
                options.WarmPoolSize = FindExecutable(options.ExecutablePath) is null ? 0 : Math.Min(DefaultWarmPoolSize, options.MaxConcurrency);
            }
        });
        builder.Services.TryAddSingleton<IReadinessCheck>(sp =>
        {
            var client = sp.GetRequiredService<IChatClient>();
            return client.GetService<ClaudeCliChatClient>() is { } cliClient
                ? new ClaudeCliReadinessCheck(cliClient, sp.GetRequiredService<ILogger<ClaudeCliReadinessCheck>>())
                : new ChatClientReadinessCheck(client);
        });
    }

    /// <summary>Starts filling the warm pool as soon as the proxy listens, so that the first request is already fast.</summary>
    /// <param name="services">The application services.</param>
    public static void WarmUp(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.GetRequiredService<IChatClient>().GetService<ClaudeCliChatClient>() is { } cli)
        {
            if (FindExecutable(cli.Options.ExecutablePath) is null)
            {
                // Starting the pool would fail once per process with a stack trace each; one line says it all.
                ProxyHttpLog.CliMissing(
                    services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DefaultChatClient).FullName!),
                    $"'{cli.Options.ExecutablePath}' is not an executable file and is not found on PATH; install the CLI or set {CliSectionName}:ExecutablePath to its full path, then restart the proxy.");
                return;
            }

            var stopping = services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            _ = Task.Run(
                async () =>
                {
                    try
                    {
                        await cli.WarmUpAsync(stopping);
                    }
                    catch (Exception) when (stopping.IsCancellationRequested)
                    {
                        // Shutting down before the pool filled.
                    }
                },
                stopping);
        }
    }

    /// <summary>Finds an executable as the operating system would start it: a path, or a name looked up on <c>PATH</c>.</summary>
    private static string? FindExecutable(string name)
    {
        if (name.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal) || name.Contains(Path.AltDirectorySeparatorChar, StringComparison.Ordinal))
        {
            return File.Exists(name) ? name : null;
        }

        var extensions = OperatingSystem.IsWindows() ? (Environment.GetEnvironmentVariable("PATHEXT") ?? ".EXE;.CMD").Split(';').Prepend(string.Empty) : [string.Empty];
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var extension in extensions)
            {
                var candidate = Path.Join(directory, name + extension);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
