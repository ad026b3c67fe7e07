using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LlmConnectors;

/// <summary>Logs, when the host starts, one line per provider <c>AddLlmConnectors</c> knows: detected or not, and why.</summary>
/// <param name="report">What was detected.</param>
/// <param name="loggerFactory">The logger factory.</param>
internal sealed partial class LlmConnectorsStartupLog(LlmProviderDetectionReport report, ILoggerFactory loggerFactory) : IHostedService
{
    private readonly ILogger _logger = loggerFactory.CreateLogger("LlmConnectors.Providers");

    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var provider in report.Providers)
        {
            if (provider.Detected)
            {
                Detected(_logger, provider.Name, provider.Prefix, provider.Reason);
            }
            else
            {
                NotDetected(_logger, provider.Name, provider.Prefix, provider.Reason);
            }
        }

        DefaultProvider(_logger, report.DefaultProvider ?? "none");
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(1, LogLevel.Information, "LLM provider {Provider} ({Prefix}) detected: {Reason}")]
    private static partial void Detected(ILogger logger, string provider, string prefix, string reason);

    [LoggerMessage(2, LogLevel.Information, "LLM provider {Provider} ({Prefix}) not detected: {Reason}")]
    private static partial void NotDetected(ILogger logger, string provider, string prefix, string reason);

    [LoggerMessage(3, LogLevel.Information, "LLM requests without a provider prefix go to: {Provider}")]
    private static partial void DefaultProvider(ILogger logger, string provider);
}
