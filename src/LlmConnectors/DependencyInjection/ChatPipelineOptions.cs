namespace LlmConnectors;

/// <summary>
/// The configuration of a whole pipeline, bound from a configuration section by <c>AddChatPipeline</c>
/// (for example <c>LlmConnectors:Pipeline</c>). Middlewares run in this order, outermost first: Microsoft.Extensions.AI's own
/// function invocation, OpenTelemetry, logging and distributed cache, then retry with validation, JSON enforcement, multimodal
/// preprocessing, failover, routing, then the leaf clients.
/// </summary>
/// <remarks>
/// MEAI's middlewares are switched on by their sections, read straight from configuration: <c>FunctionInvocation</c>
/// (<c>Enabled</c>, <c>MaximumIterationsPerRequest</c>, <c>MaximumConsecutiveErrorsPerRequest</c>, <c>AllowConcurrentInvocation</c>,
/// <c>IncludeDetailedErrors</c>, <c>TerminateOnUnknownCalls</c>), <c>OpenTelemetry</c> (<c>Enabled</c>, <c>SourceName</c>,
/// <c>EnableSensitiveData</c>), <c>Logging</c> (<c>Enabled</c>) and <c>DistributedCache</c> (<c>Enabled</c>; needs an
/// <c>IDistributedCache</c> service). Middlewares added in code on the <c>ChatClientBuilder</c> that <c>AddChatPipeline</c> returns
/// go outside all of them.
/// </remarks>
public sealed class ChatPipelineOptions
{
    /// <summary>
    /// Gets or sets the name of the leaf client the pipeline ends in (<c>openrouter</c>, <c>claude-cli</c>, <c>claude-proxy</c>, or any
    /// keyed <c>IChatClient</c> registered with <c>AddKeyedChatClient</c>). With <see cref="Routing"/>, it is the default route unless
    /// <see cref="RoutingPipelineOptions.DefaultClient"/> is set. Required when there is no routing.
    /// </summary>
    public string? Client { get; set; }

    /// <summary>Gets or sets the retry-with-validation settings; the middleware is left out when <see langword="null"/> or disabled.</summary>
    public RetryWithValidationPipelineOptions? RetryWithValidation { get; set; }

    /// <summary>Gets or sets the JSON enforcement settings; the middleware is left out when <see langword="null"/> or disabled.</summary>
    public JsonEnforcementPipelineOptions? JsonEnforcement { get; set; }

    /// <summary>Gets or sets the multimodal preprocessing settings; the middleware is left out when <see langword="null"/> or disabled.</summary>
    public MultimodalPipelineOptions? Multimodal { get; set; }

    /// <summary>Gets or sets the model-prefix routing table; no routing when <see langword="null"/> or disabled.</summary>
    public RoutingPipelineOptions? Routing { get; set; }

    /// <summary>Gets or sets the failover chain; no failover when <see langword="null"/> or disabled.</summary>
    public FailoverPipelineOptions? Failover { get; set; }

    /// <summary>Gets the problems met while reading the configuration (values that do not parse); reported by start-up validation.</summary>
    internal List<string> BindingErrors { get; } = [];
}
