using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;

namespace LlmConnectors.DependencyInjection;

/// <summary>
/// The settings of Microsoft.Extensions.AI's own middlewares that a pipeline's configuration can carry, bound by the configuration
/// binding source generator (<c>EnableConfigurationBindingGenerator</c>: AOT-safe, no hand-written parsing).
/// </summary>
/// <remarks>
/// They are not bound straight onto MEAI's <see cref="FunctionInvokingChatClient"/> and <see cref="OpenTelemetryChatClient"/>: those
/// expose properties configuration must not reach (their <c>JsonSerializerOptions</c>, <c>AdditionalTools</c>, <c>FunctionInvoker</c>),
/// which the generator also rejects (SYSLIB1100/SYSLIB1101). So the settings that make sense in a file are listed here, once.
/// </remarks>
internal static class MeaiMiddlewareSettings
{
    public static FunctionInvocationSettings FunctionInvocation(IConfiguration configuration)
    {
        var settings = new FunctionInvocationSettings();
        configuration.GetSection("FunctionInvocation").Bind(settings);
        return settings;
    }

    public static OpenTelemetrySettings OpenTelemetry(IConfiguration configuration)
    {
        var settings = new OpenTelemetrySettings();
        configuration.GetSection("OpenTelemetry").Bind(settings);
        return settings;
    }

    /// <summary>The <c>FunctionInvocation</c> section: settings of MEAI's <see cref="FunctionInvokingChatClient"/>.</summary>
    internal sealed class FunctionInvocationSettings
    {
        public bool Enabled { get; set; } = true;

        public int? MaximumIterationsPerRequest { get; set; }

        public int? MaximumConsecutiveErrorsPerRequest { get; set; }

        public bool? AllowConcurrentInvocation { get; set; }

        public bool? IncludeDetailedErrors { get; set; }

        public bool? TerminateOnUnknownCalls { get; set; }

        public void ApplyTo(FunctionInvokingChatClient client)
        {
            client.MaximumIterationsPerRequest = MaximumIterationsPerRequest ?? client.MaximumIterationsPerRequest;
            client.MaximumConsecutiveErrorsPerRequest = MaximumConsecutiveErrorsPerRequest ?? client.MaximumConsecutiveErrorsPerRequest;
            client.AllowConcurrentInvocation = AllowConcurrentInvocation ?? client.AllowConcurrentInvocation;
            client.IncludeDetailedErrors = IncludeDetailedErrors ?? client.IncludeDetailedErrors;
            client.TerminateOnUnknownCalls = TerminateOnUnknownCalls ?? client.TerminateOnUnknownCalls;
        }
    }

    /// <summary>The <c>OpenTelemetry</c> section: settings of MEAI's <see cref="OpenTelemetryChatClient"/>.</summary>
    internal sealed class OpenTelemetrySettings
    {
        public bool Enabled { get; set; } = true;

        public string? SourceName { get; set; }

        public bool? EnableSensitiveData { get; set; }

        public void ApplyTo(OpenTelemetryChatClient client) =>
            client.EnableSensitiveData = EnableSensitiveData ?? client.EnableSensitiveData;
    }
}
