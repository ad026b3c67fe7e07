using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using LlmConnectors.ClaudeCli;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmConnectors;

/// <summary>
/// An <see cref="IChatClient"/> that drives the Claude Code CLI (<c>claude</c>) as a subprocess: no shell, the conversation on standard
/// input as stream-json, no tools unless the host allows them, a bounded number of processes and an optional warm pool.
/// </summary>
/// <remarks>
/// A request runs in a process of its own (a warm one when the pool has one), or continues in the parked process that holds its
/// conversation byte for byte: one waiting on the function calls whose results the request brings, or one that gave the answer the
/// request's history ends with, which is then sent only the new user message. Nothing crosses conversations. Cancellation, timeouts,
/// failures and disposal kill the whole process tree. The system prompt, the JSON schema and a model other than the default travel on
/// standard input as <c>initialize</c> and <c>apply_flag_settings</c> control requests, so every request can use a pre-started process.
/// </remarks>
public sealed class ClaudeCliChatClient : IChatClient, IModelCapabilityProvider
{
    private const string ProviderName = "claude-code";
    private readonly ClaudeCliOptions _options;
    private readonly ILogger _logger;
    private readonly ConcurrencyLimitingChatClient _slots;
    private readonly ClaudeCliProcessPool _pool;
    private readonly ClaudeCliParkedProcesses _parked;
    private readonly ChatClientMetadata _metadata;
    private readonly CancellationTokenSource _disposing = new();
    private readonly Polly.ResiliencePipeline _retry;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Task, byte> _reaping = new();
    private int _disposed;

    /// <summary>Initializes a new instance of the <see cref="ClaudeCliChatClient"/> class and, with a warm pool, starts its processes.</summary>
    /// <param name="options">The settings; copied, later changes have no effect.</param>
    /// <param name="loggerFactory">The logger factory, if any.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A setting is out of range; the message names it.</exception>
    public ClaudeCliChatClient(ClaudeCliOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        _options = Copy(options);
        _logger = (ILogger?)loggerFactory?.CreateLogger<ClaudeCliChatClient>() ?? NullLogger.Instance;
        _pool = new ClaudeCliProcessPool(_options, _logger);
        _parked = new ClaudeCliParkedProcesses(_options.MaxParkedProcesses, _options.ParkedProcessIdleTimeout, _logger);
        _metadata = new ChatClientMetadata(ProviderName, null, _options.ModelId);

        // The process slots are the pack's one request limiter: ClaudeCli:MaxConcurrency is its MaxConcurrentRequests,
        // ClaudeCli:MaxQueueLength its QueueLimit; a full queue keeps this client's own message and error code.
        _slots = new ConcurrencyLimitingChatClient(
            new SlotHolder(this),
            new ChatRequestLimitOptions { MaxConcurrentRequests = _options.MaxConcurrency, QueueLimit = _options.MaxQueueLength },
            _logger)
        {
            CreateRejection = rejection => rejection.ShuttingDown
                ? new ObjectDisposedException(nameof(ClaudeCliChatClient))
                : ClaudeCliErrors.QueueFull(_options.MaxConcurrency, _options.MaxQueueLength, rejection.RetryAfter),
        };
        _retry = TransportRetryPipeline.Create(_options.Retry);
        if (ClaudeCliSpawner.IsSetprivMissing)
        {
            ClaudeCliLog.SetprivMissing(_logger);
        }

        _pool.Refill();
    }

    /// <summary>Gets a copy of the settings this client runs with.</summary>
    public ClaudeCliOptions Options => Copy(_options);

    /// <summary>Gets the number of requests waiting for a free slot.</summary>
    public int QueueLength => _slots.QueuedCount;

    /// <summary>Gets the number of pre-started processes waiting for a request.</summary>
    public int WarmProcessCount => _pool.IdleCount;

    /// <summary>
    /// Gets the number of parked processes: those waiting on function calls for the caller to bring their results, and those that
    /// answered and wait for the next turn of their conversation.
    /// </summary>
    public int ParkedProcessCount => _parked.Count;

    /// <summary>Waits until the warm pool holds <see cref="ClaudeCliOptions.WarmPoolSize"/> started processes.</summary>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the pool is full.</returns>
    public Task WarmUpAsync(CancellationToken cancellationToken = default) => _pool.WaitFilledAsync(cancellationToken);

    /// <inheritdoc/>
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var request = ClaudeCliRequest.Create(messages, options, _options);
        ClaudeCliUnsupportedOptions.Enforce(request.IgnoredOptions, _options, _logger, nameof(options));
        return await _slots.GetResponseAsync(messages, SlotHolder.Carry(request), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return StreamAsync(messages, options, cancellationToken);
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(ChatClientMetadata))
        {
            return _metadata;
        }

        if (serviceType == typeof(ClaudeCliOptions))
        {
            return Options;
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <inheritdoc/>
    public ValueTask<ModelCapabilities?> GetModelCapabilitiesAsync(string? modelId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<ModelCapabilities?>(new ModelCapabilities
        {
            ModelId = modelId ?? _options.ModelId ?? "default",
            SupportsImages = true,
            SupportsFiles = true,
            SupportsJsonObject = false,
            SupportsJsonSchema = true,
            SupportsTools = true,
        });

    /// <summary>
    /// Finds out whether the CLI is installed (<c>claude --version</c>) and has credentials (<c>claude auth status --json</c>), without
    /// calling the model, with the same executable, environment and configuration directory as the requests.
    /// </summary>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>What was found; <see cref="ClaudeCliInfo.Problem"/> says what to do when something is missing.</returns>
    public async Task<ClaudeCliInfo> GetCliInfoAsync(CancellationToken cancellationToken = default)
    {
        var version = await RunToolAsync(["--version"], cancellationToken).ConfigureAwait(false);
        if (version.Error is { } notFound)
        {
            return new ClaudeCliInfo { ExecutablePath = _options.ExecutablePath, Problem = $"The Claude Code CLI '{_options.ExecutablePath}' cannot be started ({notFound}). {ClaudeCliErrors.InstallHint}" };
        }

        var versionText = version.Output.Trim().Split(' ', 2)[0];
        if (version.ExitCode != 0 || versionText.Length == 0 || !char.IsDigit(versionText[0]))
        {
            return new ClaudeCliInfo { ExecutablePath = _options.ExecutablePath, Problem = $"'{_options.ExecutablePath} --version' exited with code {version.ExitCode} and printed '{version.Output.Trim()}'; it does not look like the Claude Code CLI. {ClaudeCliErrors.InstallHint}" };
        }

        var status = await RunToolAsync(["auth", "status", "--json"], cancellationToken).ConfigureAwait(false);
        bool? loggedIn = null;
        string? method = null;
        try
        {
            using var document = JsonDocument.Parse(status.Output);
            loggedIn = document.RootElement.TryGetProperty("loggedIn", out var l) && l.ValueKind == JsonValueKind.True;
            method = document.RootElement.TryGetProperty("authMethod", out var m) ? m.GetString() : null;
        }
        catch (JsonException)
        {
        }

        return new ClaudeCliInfo
        {
            ExecutablePath = _options.ExecutablePath,
            IsInstalled = true,
            Version = versionText,
            IsLoggedIn = loggedIn,
            AuthMethod = method,
            Problem = loggedIn == false ? $"The Claude Code CLI is not logged in. {ClaudeCliErrors.LoginHint}" : null,
        };
    }

    /// <summary>Kills every pooled process; requests still running have their processes killed as they end.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _disposing.Cancel();
        _slots.RejectWaitingRequests();
        _pool.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _parked.DisposeAsync().AsTask().GetAwaiter().GetResult();

        // Killed request processes are reaped in the background; let that finish so their temporary directories are removed.
        try
        {
            _ = Task.WhenAll(_reaping.Keys).Wait(TimeSpan.FromSeconds(10));
        }
        catch (AggregateException)
        {
            // Reaping is best effort: the processes were killed already.
        }
        _slots.Dispose();
        _disposing.Dispose();
    }

    private static ClaudeCliOptions Copy(ClaudeCliOptions source)
    {
        var copy = new ClaudeCliOptions
        {
            ExecutablePath = source.ExecutablePath,
            ModelId = source.ModelId,
            WorkingDirectory = source.WorkingDirectory,
            ConfigDirectory = source.ConfigDirectory,
            RequestTimeout = source.RequestTimeout,
            MaxConcurrency = source.MaxConcurrency,
            MaxQueueLength = source.MaxQueueLength,
            WarmPoolSize = source.WarmPoolSize,
            PermissionMode = source.PermissionMode,
            MaxTurns = source.MaxTurns,
            UnsupportedOptions = source.UnsupportedOptions,
            MaxParkedProcesses = source.MaxParkedProcesses,
            ParkedProcessIdleTimeout = source.ParkedProcessIdleTimeout,
        };
        copy.Retry.Enabled = source.Retry.Enabled;
        copy.Retry.MaxRetryAttempts = source.Retry.MaxRetryAttempts;
        copy.Retry.BaseDelay = source.Retry.BaseDelay;
        copy.Retry.MaxDelay = source.Retry.MaxDelay;
        copy.Retry.UseJitter = source.Retry.UseJitter;
        copy.Retry.HonorRetryAfter = source.Retry.HonorRetryAfter;
        foreach (var pair in source.EnvironmentVariables)
        {
            copy.EnvironmentVariables[pair.Key] = pair.Value;
        }

        foreach (var tool in source.AllowedTools)
        {
            copy.AllowedTools.Add(tool);
        }

        foreach (var argument in source.AdditionalArguments)
        {
            copy.AdditionalArguments.Add(argument);
        }

        return copy;
    }

    private async Task<(int ExitCode, string Output, string? Error)> RunToolAsync(string[] arguments, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(_options.ExecutablePath)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        var home = ClaudeCliHome.Create(_options);
        startInfo.WorkingDirectory = home.WorkingDirectory;
        ClaudeCliProcess.SetEnvironment(startInfo, _options, home);
        Process process;
        try
        {
            process = Process.Start(startInfo) ?? throw new InvalidOperationException("Process.Start returned null.");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            home.Delete();
            return (-1, string.Empty, e.Message);
        }

        using (process)
        {
            process.StandardInput.Close();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            try
            {
                var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
                var error = process.StandardError.ReadToEndAsync(timeout.Token);
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
                return (process.ExitCode, await output.ConfigureAwait(false) + await error.ConfigureAwait(false), null);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                process.Kill(entireProcessTree: true);
                return (-1, string.Empty, "it did not answer within 30 seconds");
            }
            finally
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }

                home.Delete();
            }
        }
    }

    private async IAsyncEnumerable<ChatResponseUpdate> StreamAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var request = ClaudeCliRequest.Create(messages, options, _options);
        ClaudeCliUnsupportedOptions.Enforce(request.IgnoredOptions, _options, _logger, nameof(options));
        await foreach (var update in _slots.GetStreamingResponseAsync(messages, SlotHolder.Carry(request), cancellationToken).ConfigureAwait(false))
        {
            yield return update;
        }
    }

    /// <summary>Runs a request that holds a process slot, with transport retries.</summary>
    private async Task<ChatResponse> RunInSlotAsync(ClaudeCliRequest request, CancellationToken cancellationToken)
    {
        var final = await _retry.ExecuteAsync(
            async token =>
            {
                ChatResponseUpdate? last = null;
                await foreach (var update in RunProcessAsync(request, streaming: false, token).ConfigureAwait(false))
                {
                    last = update;
                }

                return last!;
            },
            cancellationToken).ConfigureAwait(false);

        var message = new ChatMessage(ChatRole.Assistant, [.. final.Contents.Where(c => c is not UsageContent)])
        {
            MessageId = final.MessageId,
        };
        return new ChatResponse(message)
        {
            ResponseId = final.ResponseId,
            ModelId = final.ModelId,
            FinishReason = final.FinishReason,
            CreatedAt = final.CreatedAt,
            Usage = final.Contents.OfType<UsageContent>().FirstOrDefault()?.Details,
            AdditionalProperties = final.AdditionalProperties,
        };
    }

    /// <summary>Streams a request that holds a process slot; retried only until the first update arrives (after that the caller has seen output).</summary>
    private async IAsyncEnumerable<ChatResponseUpdate> StreamInSlotAsync(ClaudeCliRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        IAsyncEnumerator<ChatResponseUpdate>? enumerator = null;
        try
        {
            var first = await _retry.ExecuteAsync(
                async token =>
                {
                    var attempt = RunProcessAsync(request, streaming: true, token).GetAsyncEnumerator(token);
                    try
                    {
                        _ = await attempt.MoveNextAsync().ConfigureAwait(false);
                        enumerator = attempt;
                        return attempt.Current;
                    }
                    catch
                    {
                        await attempt.DisposeAsync().ConfigureAwait(false);
                        throw;
                    }
                },
                cancellationToken).ConfigureAwait(false);
            yield return first;
            while (await enumerator!.MoveNextAsync().ConfigureAwait(false))
            {
                yield return enumerator.Current;
            }
        }
        finally
        {
            if (enumerator is not null)
            {
                await enumerator.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async IAsyncEnumerable<ChatResponseUpdate> RunProcessAsync(ClaudeCliRequest request, bool streaming, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ClaudeCliProcess? process = null;
        ClaudeCliSession? session = null;
        try
        {
            var warm = true;
            var continuing = false;

            // Function tools need a process started with the in-process MCP server; it is not taken from (nor returned to) the pool.
            var tools = request.OffersTools ? ClaudeCliToolBridge.Create(request.Tools, request.ToolMode) : null;
            tools?.SetResults(request.ToolResults);
            IReadOnlyList<ClaudeCliToolBridge.WaitingCall> waiting = [];
            if (request.ContinuationKey is { } key && _parked.TryTake(key) is { } parked)
            {
                // The parked process holds this conversation byte for byte (the key says so): it waits on the calls whose results
                // this request brings, or after the answer this request's history ends with.
                (process, waiting) = parked;
                continuing = true;
                if (request.ContinuesToolCalls)
                {
                    ClaudeCliToolLog.Continued(_logger, process.Id, request.ToolResults.Count);
                }
                else
                {
                    ClaudeCliLog.TurnContinued(_logger, process.Id);
                }
            }
            else if (tools is null)
            {
                process = await _pool.TakeAsync(request.ModelId, cancellationToken).ConfigureAwait(false);
            }

            if (process is null)
            {
                warm = false;
                try
                {
                    process = ClaudeCliProcess.Start(_options, request.ModelId, tools);
                }
                catch (Exception e) when (e is System.ComponentModel.Win32Exception or FileNotFoundException or DirectoryNotFoundException)
                {
                    throw ClaudeCliErrors.NotInstalled(_options.ExecutablePath, e);
                }
            }

            ClaudeCliLog.RequestStarted(_logger, process.Id, warm, request.ModelId);
            session = new ClaudeCliSession(process, request, _options, _logger, warm, streaming, cancellationToken, _disposing.Token, tools, continuing ? waiting : null);
            await session.SendAsync().ConfigureAwait(false);
            while (await session.ReadAsync().ConfigureAwait(false) is { } update)
            {
                yield return update;
            }
        }
        finally
        {
            session?.Dispose();
            if (session is { Parked: true } && process is not null && !_disposing.IsCancellationRequested)
            {
                // The process waits on its tools/call requests until the caller brings the results (or it is evicted).
                _parked.Park(ClaudeCliConversationKey.Key(request.ConversationHash, session.ParkedCallIds), process, session.WaitingCalls, onCalls: true);
                process = null;
            }
            else if (session is { Answer: { } answer } && process is { HasExited: false } && !_disposing.IsCancellationRequested)
            {
                // The process holds the conversation with its answer and waits for the next user message (or it is evicted).
                _parked.Park(ClaudeCliConversationKey.Key(request.AnsweredHash(answer), []), process, [], onCalls: false);
                process = null;
            }

            if (process is not null)
            {
                // Killing the tree (which walks /proc), reaping the process and removing its directory need not delay the caller.
                var ended = process;
                var reaping = Task.Run(() => ended.DisposeAsync().AsTask(), CancellationToken.None);
                _ = _reaping.TryAdd(reaping, 0);
                _ = reaping.ContinueWith(t => _reaping.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }

            _pool.Refill();
        }
    }

    /// <summary>
    /// The limiter's inner client: runs, in the slot the limiter holds, the request the public methods prepared (checked and its
    /// unsupported options reported before it queues), carried in options that never leave this client.
    /// </summary>
    private sealed class SlotHolder(ClaudeCliChatClient owner) : IChatClient
    {
        private const string RequestKey = "LlmConnectors.ClaudeCli.Request";

        public static ChatOptions Carry(ClaudeCliRequest request) => new() { AdditionalProperties = new() { [RequestKey] = request } };

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            owner.RunInSlotAsync(Take(options), cancellationToken);

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            owner.StreamInSlotAsync(Take(options), cancellationToken);

        public object? GetService(Type serviceType, object? serviceKey = null) =>
            serviceKey is null && serviceType == typeof(ChatClientMetadata) ? owner._metadata : null;

        public void Dispose()
        {
            // The owner disposes itself; nothing is held here.
        }

        private static ClaudeCliRequest Take(ChatOptions? options) => (ClaudeCliRequest)options!.AdditionalProperties![RequestKey]!;
    }
}
