using System.Net;
using LlmConnectors.ClaudeProxy.Configuration;
using LlmConnectors.ClaudeProxy.Health;
using LlmConnectors.ClaudeProxy.Http;
using LlmConnectors.ClaudeProxy.Mapping;
using LlmConnectors.ClaudeProxy.Replicas;
using LlmConnectors.ClaudeProxy.Telemetry;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace LlmConnectors.ClaudeProxy;

/// <summary>Builds the proxy: services, settings, middleware and endpoints. <c>Program</c> calls it; tests reach it through <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
internal static class ProxyApplication
{
    private const string CorsPolicy = "ClaudeProxy";

    private static readonly string[] OtlpEndpointVariables = ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"];

    /// <summary>Registers the proxy's services and settings.</summary>
    /// <param name="builder">The application builder.</param>
    public static void ConfigureServices(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (ClaudeProxyOptionsValidator.GetListenUrls(builder.Configuration) is [ClaudeProxyOptions.DefaultUrl] && string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(ClaudeProxyOptions.DefaultUrl);
        }

        var services = builder.Services;
        services.AddOptions<ClaudeProxyOptions>().Bind(builder.Configuration.GetSection(ClaudeProxyOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ClaudeProxyOptions>, ClaudeProxyOptionsValidator>();
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<ClaudeProxyOptions>>((kestrel, proxy) =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = proxy.Value.MaxRequestBodyBytes;
            RequestHeaderLimitsMiddleware.ApplyKestrelBackstop(kestrel.Limits);
        });
        // Read without validating: HostOptions is resolved while the host is built, and validation belongs to start-up.
        services.AddOptions<HostOptions>().Configure<IConfiguration>((host, configuration) =>
            host.ShutdownTimeout = configuration.GetSection(ClaudeProxyOptions.SectionName).GetValue(nameof(ClaudeProxyOptions.ShutdownTimeout), new ClaudeProxyOptions().ShutdownTimeout));
        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<IOptions<ClaudeProxyOptions>>((cors, proxy) => cors.AddPolicy(CorsPolicy, policy =>
        {
            // Answers the preflights of the origins in ClaudeProxy:AllowedOrigins and adds their CORS headers; BrowserOriginMiddleware,
            // ahead of it, has already refused every other page.
            var origins = proxy.Value.AllowedOrigins;
            if (origins.Contains("*"))
            {
                policy.AllowAnyOrigin();
            }
            else
            {
                policy.WithOrigins(origins);
            }

            policy.WithMethods("GET", "POST").WithHeaders("Authorization", "Content-Type", "x-api-key").WithExposedHeaders("Retry-After", "x-request-id", ChatCompletionsHandler.IgnoredParametersHeader, SharedResponseCacheChatClient.HeaderName, ConversationAffinity.HeaderName);
        }));

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ModelCatalog>();
        // The library's one remote image download (LlmConnectors.Multimodal), owning its HttpClient and address-checking handler.
        services.AddSingleton(_ => new Multimodal.RemoteImageDownloader());
        services.AddSingleton<ChatRequestMapper>();
        services.AddSingleton(ProxyRequestLimit.Create);
        services.AddSingleton<ProxyTelemetry>();
        AddOpenTelemetry(builder);
        ReplicaState.AddTo(services);
        // The endpoint calls the served client through the shared response cache, when configured, then the request queue: a cache
        // hit takes no queue slot. Resolved at the first request, so a host's own registered client (see DefaultChatClient) is
        // queued and cached too.
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<ChatCompletionsHandler>(
            sp, ReplicaState.WithResponseCache(sp, sp.GetRequiredService<ConcurrencyLimitingChatClient>())));
        services.AddSingleton<HealthEndpoints>();
        DefaultChatClient.AddTo(builder);
    }

    /// <summary>
    /// Collects the proxy's spans and metrics (MEAI's GenAI signals and the proxy's own counters, both under
    /// <see cref="ProxyTelemetry.SourceName"/>; ASP.NET Core's HTTP server metrics) and, when the standard
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (or a <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c> / <c>_METRICS_ENDPOINT</c> /
    /// <c>_LOGS_ENDPOINT</c>) variable is set, exports them over OTLP together with the proxy's logs (<c>UseOtlpExporter</c> enables
    /// all three signals); the other <c>OTEL_*</c> variables (protocol, headers, service name, export intervals) apply as the
    /// OpenTelemetry SDK defines them.
    /// </summary>
    /// <param name="builder">The application builder.</param>
    private static void AddOpenTelemetry(WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var exportOtlp = OtlpEndpointVariables.Any(name => !string.IsNullOrWhiteSpace(configuration[name]));
        var telemetry = builder.Services.AddOpenTelemetry()
            // ASP.NET Core's own server span ("Microsoft.AspNetCore") is the parent of the GenAI span: left out, it would be created
            // unrecorded and the default parent-based sampler would drop the GenAI span with it.
            .WithTracing(tracing => tracing.AddSource(ProxyTelemetry.SourceName, "Microsoft.AspNetCore"))
            .WithMetrics(metrics => metrics.AddMeter(ProxyTelemetry.SourceName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel"));
        if (exportOtlp)
        {
            telemetry.UseOtlpExporter();
        }
    }

    /// <summary>Adds the middleware and maps the endpoints.</summary>
    /// <param name="app">The application.</param>
    public static void Configure(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Use(CatchAllAsync);
        app.UseMiddleware<RequestHeaderLimitsMiddleware>();
        app.UseStatusCodePages(context => WriteStatusCodeErrorAsync(context.HttpContext));
        app.UseMiddleware<HostAllowListMiddleware>();
        app.UseMiddleware<BrowserOriginMiddleware>();
        app.UseCors(CorsPolicy);
        app.UseMiddleware<ApiKeyMiddleware>();
        ReplicaState.UseSharedRateLimit(app);

        app.MapGet("/health", HealthEndpoints.LiveAsync);
        app.MapGet("/health/ready", (HttpContext context, HealthEndpoints health) => health.ReadyAsync(context));
        app.MapGet("/v1/models", ModelsEndpoints.ListAsync);
        app.MapGet("/v1/models/{id}", ModelsEndpoints.GetAsync);
        ReplicaState.LimitShared(app.MapPost("/v1/chat/completions", (HttpContext context, ChatCompletionsHandler handler) => handler.HandleAsync(context)), app);

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            DefaultChatClient.WarmUp(app.Services);
            ReplicaState.Connect(app.Services);
            var options = app.Services.GetRequiredService<IOptions<ClaudeProxyOptions>>().Value;
            var addresses = app.Services.GetService<Microsoft.AspNetCore.Hosting.Server.IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses;
            ProxyLog.Started(
                app.Logger,
                addresses is { Count: > 0 } ? string.Join(", ", addresses) : "(in-process test server)",
                options.ApiKey is null && options.ApiKeys.Length == 0 ? "off (loopback only)" : "on",
                options.Models.Count,
                options.UnsupportedParameters.ToString());
        });
    }

    /// <summary>Answers every exception that escapes an endpoint with a sanitized OpenAI error (502), never a bare 500.</summary>
    private static async Task CatchAllAsync(HttpContext context, RequestDelegate next)
    {
        context.Response.Headers["x-request-id"] = context.TraceIdentifier;
        try
        {
            await next(context);
        }
        catch (Exception) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client is gone: nobody to answer.
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException e)
        {
            var error = e.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? new ProxyError(HttpStatusCode.RequestEntityTooLarge, "The request body is larger than this proxy accepts.", "invalid_request_error", Code: "request_too_large")
                : ProxyError.BadRequest("The request could not be read: " + e.Message, code: "bad_request");
            await error.WriteResponseAsync(context);
        }
        catch (Exception e) when (ResponseCacheStore.IsRedisFailure(e))
        {
            // The shared rate limit cannot be counted: refuse (the limit protects the subscription) rather than let every request through.
            ProxyReplicaLog.RedisUnavailable(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("LlmConnectors.ClaudeProxy"), context.TraceIdentifier, context.Request.Path, e.Message);
            if (!context.Response.HasStarted)
            {
                await new ProxyError(HttpStatusCode.ServiceUnavailable, $"The proxy cannot reach the store its replicas share (request id {context.TraceIdentifier}); retry after the Retry-After delay.", "api_error", Code: "shared_state_unavailable") { RetryAfter = TimeSpan.FromSeconds(5) }.WriteResponseAsync(context);
            }
        }
        catch (Exception e)
        {
            ProxyLog.Unexpected(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("LlmConnectors.ClaudeProxy"), e, context.TraceIdentifier, context.Request.Path);
            if (!context.Response.HasStarted)
            {
                await new ProxyError(HttpStatusCode.BadGateway, $"The proxy failed unexpectedly (request id {context.TraceIdentifier}; the proxy's log has the details).", "api_error", Code: "proxy_error").WriteResponseAsync(context);
            }
        }
    }

    /// <summary>Gives bodiless 404/405 answers (unknown URL, wrong method) OpenAI's error body.</summary>
    private static Task WriteStatusCodeErrorAsync(HttpContext context)
    {
        var status = context.Response.StatusCode;
        var request = context.Request;
        var error = status switch
        {
            StatusCodes.Status404NotFound => new ProxyError(HttpStatusCode.NotFound, $"Unknown request URL: {request.Method} {request.Path}. This proxy serves POST /v1/chat/completions, GET /v1/models, GET /health and GET /health/ready.", "invalid_request_error", Code: "unknown_url"),
            StatusCodes.Status405MethodNotAllowed => new ProxyError(HttpStatusCode.MethodNotAllowed, $"{request.Method} is not allowed on {request.Path}.", "invalid_request_error", Code: "method_not_allowed"),
            _ => new ProxyError((HttpStatusCode)status, $"The request failed with HTTP {status}.", status >= 500 ? "api_error" : "invalid_request_error"),
        };
        return error.WriteResponseAsync(context);
    }
}
