using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmConnectors.TestServers.OpenRouter;

/// <summary>
/// An offline OpenRouter on loopback (Kestrel, 127.0.0.1, a free port): <c>POST {prefix}/chat/completions</c> answers with the
/// scripted responses in order (<see cref="Enqueue"/>), or echoes the last user message when none is queued; <c>GET {prefix}/models</c>
/// answers <see cref="ModelsJson"/>. Every request is recorded with its exact body.
/// </summary>
/// <example>
/// <code>
/// await using var server = await OpenRouterTestServer.StartAsync();
/// server.Enqueue(OpenRouterScripts.StreamText("Hel", "lo"));
/// var client = new OpenRouterChatClient(new() { ApiKey = "test", Endpoint = server.Endpoint, ModelId = "openai/gpt-4o-mini" });
/// </code>
/// </example>
public sealed class OpenRouterTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ScriptedResponse> _queue = new();
    private readonly List<RecordedRequest> _requests = [];
    private readonly Lock _lock = new();

    private OpenRouterTestServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    /// <summary>Gets the server's root address, for example <c>http://127.0.0.1:54321/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Gets the OpenRouter-style API address: <c>{BaseAddress}api/v1</c>.</summary>
    public Uri Endpoint => new(BaseAddress, "api/v1");

    /// <summary>Gets or sets the body of <c>GET /models</c>. Default: <see cref="OpenRouterScripts.ModelsCatalogueJson"/>.</summary>
    public string ModelsJson { get; set; } = OpenRouterScripts.ModelsCatalogueJson();

    /// <summary>Gets or sets the API key requests must carry as <c>Authorization: Bearer ...</c>; <see langword="null"/> accepts any. Default: <see langword="null"/>.</summary>
    public string? RequiredApiKey { get; set; }

    /// <summary>Gets a snapshot of the requests received, in order.</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Gets the chat completion requests received, in order.</summary>
    public IReadOnlyList<RecordedRequest> ChatRequests => [.. Requests.Where(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal))];

    /// <summary>Starts a server on 127.0.0.1 and a free port.</summary>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The started server.</returns>
    public static async Task<OpenRouterTestServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        OpenRouterTestServer? server = null;
        app.Run(context => server!.HandleAsync(context));
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new OpenRouterTestServer(app, new Uri(address.TrimEnd('/') + "/"));
        return server;
    }

    /// <summary>Queues answers for the next chat completion requests, in order.</summary>
    /// <param name="responses">The answers.</param>
    public void Enqueue(params ScriptedResponse[] responses)
    {
        ArgumentNullException.ThrowIfNull(responses);
        foreach (var response in responses)
        {
            _queue.Enqueue(response);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        string body;
        using (var reader = new StreamReader(request.Body, Encoding.UTF8))
        {
            body = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers)
        {
            headers[name] = values.ToString();
        }

        var path = request.Path.Value ?? "/";
        lock (_lock)
        {
            _requests.Add(new RecordedRequest(request.Method, path, headers, body));
        }

        ScriptedResponse answer;
        if (RequiredApiKey is { } key && !string.Equals(request.Headers.Authorization.ToString(), "Bearer " + key, StringComparison.Ordinal))
        {
            answer = OpenRouterScripts.Unauthorized();
        }
        else if (HttpMethods.IsPost(request.Method) && path.EndsWith("/chat/completions", StringComparison.Ordinal))
        {
            answer = _queue.TryDequeue(out var scripted) ? scripted : OpenRouterScripts.Echo(body);
        }
        else if (HttpMethods.IsGet(request.Method) && path.EndsWith("/models", StringComparison.Ordinal))
        {
            answer = ScriptedResponse.Json(ModelsJson);
        }
        else
        {
            answer = ScriptedResponse.Json($$$$"""{"error":{"code":404,"message":"No route for {{{{request.Method}}}} {{{{path}}}} on the OpenRouter test server."}}""", 404);
        }

        await WriteAsync(context, answer).ConfigureAwait(false);
    }

    private static async Task WriteAsync(HttpContext context, ScriptedResponse answer)
    {
        var response = context.Response;
        response.StatusCode = answer.StatusCode;
        response.ContentType = answer.ContentType;
        foreach (var (name, value) in answer.Headers)
        {
            response.Headers[name] = value;
        }

        if (answer.ContentType == "text/event-stream")
        {
            response.Headers.CacheControl = "no-cache";
        }

        await response.StartAsync(context.RequestAborted).ConfigureAwait(false);
        foreach (var part in answer.BodyParts)
        {
            await response.WriteAsync(part, context.RequestAborted).ConfigureAwait(false);
            await response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            if (answer.DelayBetweenParts > TimeSpan.Zero)
            {
                await Task.Delay(answer.DelayBetweenParts, context.RequestAborted).ConfigureAwait(false);
            }
        }

        if (answer.AbortAfterBody)
        {
            if (answer.AbortWhen is { } signal)
            {
                await signal.WaitAsync(context.RequestAborted).ConfigureAwait(false);
            }

            context.Abort();
        }
    }
}
