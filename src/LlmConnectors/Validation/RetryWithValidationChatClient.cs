using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmConnectors;

/// <summary>
/// A delegating chat client that checks every answer with <see cref="Validators"/> and, when one fails, asks the model again
/// with the errors, up to <see cref="MaxAttempts"/> attempts.
/// </summary>
/// <remarks>
/// <para>
/// On a failed answer, the next attempt sends the caller's messages, then the failed answer's messages, then a user message
/// built by <see cref="CreateRetryMessage"/>:
/// </para>
/// <code>
/// Your previous answer was rejected for these reasons:
/// - first error
/// - second error
/// Answer again: reply with the complete corrected answer only.
/// </code>
/// <para>
/// With <see cref="KeepOnlyLastFailedAttempt"/>, only the last failed answer and its re-ask message are kept, so that the prompt
/// does not grow with every attempt. A failed answer without any content is not repeated (providers reject empty assistant
/// messages); only its re-ask message is sent.
/// </para>
/// <para>
/// A <see cref="JsonEnforcementException"/> thrown by a <see cref="JsonEnforcingChatClient"/> inside this client counts as a
/// failed answer (its <see cref="JsonEnforcementException.Errors"/> are the validation errors). No other exception is retried:
/// transport failures (<see cref="LlmConnectorException"/>) are retried by the leaf client's transport pipeline only, and
/// propagate at once; so does cancellation.
/// </para>
/// <para>
/// The response of the passing attempt carries the attempt count (<see cref="ValidationResponseProperties.Attempts"/>) and the
/// usage of each attempt (<see cref="ValidationResponseProperties.AttemptUsage"/>) in its <c>AdditionalProperties</c>; its
/// <see cref="ChatResponse.Usage"/> is the sum over all attempts. When every attempt fails, a
/// <see cref="ValidationRetriesExhaustedException"/> carries every attempt and the summed usage.
/// </para>
/// <para>
/// Streaming: each attempt's updates are held until the assembled answer passes validation, then sent, followed by one last
/// update carrying the attempt count (<c>ToChatResponseAsync</c> puts it on the last message) and, after retries, a <see cref="UsageContent"/> with the usage of the failed attempts (so
/// that <c>ToChatResponseAsync</c> sums all attempts). With <see cref="StreamFirstAttempt"/>, the first attempt is streamed live
/// instead; if it fails, an update whose <c>AdditionalProperties</c> carry <see cref="ValidationResponseProperties.DiscardPrevious"/>
/// follows, then the held answer of the next passing attempt.
/// </para>
/// </remarks>
public sealed partial class RetryWithValidationChatClient : DelegatingChatClient
{
    private static readonly object[] BoxedAttempts = [0, 1, 2, 3, 4, 5, 6, 7, 8];

    private readonly ILogger _logger;
    private int _maxAttempts = 3;

    /// <summary>Initializes a new instance of the <see cref="RetryWithValidationChatClient"/> class.</summary>
    /// <param name="innerClient">The client to send requests to.</param>
    /// <param name="validators">The validators every answer must pass, in order; more can be added to <see cref="Validators"/>.</param>
    /// <param name="logger">The logger; nothing is logged when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerClient"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="validators"/> contains <see langword="null"/>.</exception>
    public RetryWithValidationChatClient(IChatClient innerClient, IEnumerable<IChatResponseValidator>? validators = null, ILogger? logger = null)
        : base(innerClient)
    {
        _logger = logger ?? NullLogger.Instance;
        Validators = [];
        if (validators is not null)
        {
            foreach (var validator in validators)
            {
                Validators.Add(validator ?? throw new ArgumentException("The validators must not contain null.", nameof(validators)));
            }
        }
    }

    /// <summary>Gets the validators every answer must pass, run in order.</summary>
    /// <value>Empty by default: only <see cref="JsonEnforcementException"/>s from inner clients then cause a retry.</value>
    public IList<IChatResponseValidator> Validators { get; }

    /// <summary>Gets or sets the maximum number of attempts, the first one included.</summary>
    /// <value>The default is 3.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MaxAttempts
    {
        get => _maxAttempts;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(MaxAttempts));
            _maxAttempts = value;
        }
    }

    /// <summary>Gets or sets a value indicating whether a retry repeats only the last failed answer, instead of all of them.</summary>
    /// <value>The default is <see langword="false"/>: every failed answer and its re-ask message stay in the conversation.</value>
    public bool KeepOnlyLastFailedAttempt { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether validation stops at the first validator that fails (its errors alone are sent
    /// back), instead of running every validator and sending all errors.
    /// </summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool StopAtFirstFailure { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether a <see cref="JsonEnforcementException"/> from an inner client is retried as a failed answer.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool RetryOnJsonEnforcementFailure { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether the first attempt of a streaming call is streamed live instead of held until it passes.</summary>
    /// <value>The default is <see langword="false"/>: nothing is sent before an answer passed validation.</value>
    public bool StreamFirstAttempt { get; set; }

    /// <summary>Gets or sets the function that writes the re-ask message from the errors; <see cref="CreateRetryMessage"/> when <see langword="null"/>.</summary>
    public Func<IReadOnlyList<string>, string>? RetryMessageFactory { get; set; }

    /// <summary>Writes the default re-ask message.</summary>
    /// <param name="errors">The errors of the failed answer.</param>
    /// <returns>
    /// <c>Your previous answer was rejected for these reasons:</c>, one line <c>- error</c> per error, and
    /// <c>Answer again: reply with the complete corrected answer only.</c>, separated by line feeds.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="errors"/> is <see langword="null"/>.</exception>
    public static string CreateRetryMessage(IReadOnlyList<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var builder = new StringBuilder("Your previous answer was rejected for these reasons:\n");
        foreach (var error in errors)
        {
            builder.Append("- ").Append(error).Append('\n');
        }

        return builder.Append("Answer again: reply with the complete corrected answer only.").ToString();
    }

    /// <inheritdoc/>
    /// <exception cref="ValidationRetriesExhaustedException">Every attempt failed validation.</exception>
    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (messages is null)
        {
            // Thrown inside the async method, so that it faults the task as before.
            return GetResponseCoreAsync(messages!, options, null, false, default, cancellationToken);
        }

        // Pass-through: when the first answer is there at once and passes at once, no state machine is needed.
        Task<ChatResponse> first;
        try
        {
            first = base.GetResponseAsync(messages, options, cancellationToken);
        }
        catch (Exception ex)
        {
            first = Task.FromException<ChatResponse>(ex);
        }

        if (!first.IsCompletedSuccessfully)
        {
            return GetResponseCoreAsync(messages, options, first, false, default, cancellationToken);
        }

        var response = first.Result;
        var validation = ValidateAsync(response, messages, options, 1, cancellationToken);
        if (!validation.IsCompletedSuccessfully)
        {
            return GetResponseCoreAsync(messages, options, first, true, validation, cancellationToken);
        }

        var errors = validation.Result;
        if (errors is not null)
        {
            return GetResponseCoreAsync(messages, options, first, true, new(errors), cancellationToken);
        }

        // Complete sets the attempt properties on the response itself: the inner task already holds the final answer.
        Complete(response, 1, null);
        return first;
    }

    /// <summary>
    /// The retry loop. Its first attempt may already be under way (<paramref name="firstResponse"/>), and its validation too
    /// (<paramref name="firstValidation"/>, when <paramref name="firstValidated"/>).
    /// </summary>
    private async Task<ChatResponse> GetResponseCoreAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options,
        Task<ChatResponse>? firstResponse,
        bool firstValidated,
        ValueTask<IReadOnlyList<string>?> firstValidation,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        List<ValidationAttempt>? failures = null;
        List<ChatMessage>? original = null;
        var current = messages;
        for (var attempt = 1; ; attempt++)
        {
            if (attempt > 1)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            ChatResponse response;
            IReadOnlyList<string>? errors;
            try
            {
                if (attempt == 1 && firstResponse is not null)
                {
                    response = await firstResponse.ConfigureAwait(false);
                    errors = firstValidated
                        ? await firstValidation.ConfigureAwait(false)
                        : await ValidateAsync(response, current, options, attempt, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    response = await base.GetResponseAsync(current, options, cancellationToken).ConfigureAwait(false);
                    errors = await ValidateAsync(response, current, options, attempt, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (JsonEnforcementException ex) when (RetryOnJsonEnforcementFailure)
            {
                response = ex.Response ?? new ChatResponse(new ChatMessage(ChatRole.Assistant, ex.RawText));
                errors = ex.Errors.Count > 0 ? ex.Errors : [ex.Message];
            }

            if (errors is null)
            {
                Complete(response, attempt, failures);
                return response;
            }

            (failures ??= []).Add(new ValidationAttempt(attempt, response, errors));
            original ??= [.. messages];
            current = NextMessages(original, failures, attempt);
        }
    }

    /// <inheritdoc/>
    /// <exception cref="ValidationRetriesExhaustedException">Every attempt failed validation.</exception>
    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return GetStreamingCoreAsync(messages, options, cancellationToken);
    }

    private async IAsyncEnumerable<ChatResponseUpdate> GetStreamingCoreAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        List<ValidationAttempt>? failures = null;
        List<ChatMessage>? original = null;
        var current = messages;
        for (var attempt = 1; ; attempt++)
        {
            if (attempt > 1)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            var live = attempt == 1 && StreamFirstAttempt;
            var held = new List<ChatResponseUpdate>();
            JsonEnforcementException? jsonFailure = null;
            var enumerator = base.GetStreamingResponseAsync(current, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
            try
            {
                while (true)
                {
                    try
                    {
                        if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                        {
                            break;
                        }
                    }
                    catch (JsonEnforcementException ex) when (RetryOnJsonEnforcementFailure)
                    {
                        jsonFailure = ex;
                        break;
                    }

                    held.Add(enumerator.Current);
                    if (live)
                    {
                        yield return enumerator.Current;
                    }
                }
            }
            finally
            {
                await enumerator.DisposeAsync().ConfigureAwait(false);
            }

            ChatResponse response;
            IReadOnlyList<string>? errors;
            if (jsonFailure is not null)
            {
                response = jsonFailure.Response ?? held.ToChatResponse();
                errors = jsonFailure.Errors.Count > 0 ? jsonFailure.Errors : [jsonFailure.Message];
            }
            else
            {
                response = held.ToChatResponse();
                errors = await ValidateAsync(response, current, options, attempt, cancellationToken).ConfigureAwait(false);
            }

            if (errors is null)
            {
                if (!live)
                {
                    foreach (var update in held)
                    {
                        yield return update;
                    }
                }

                yield return CreateFinalUpdate(held, attempt, failures, response.Usage);
                yield break;
            }

            (failures ??= []).Add(new ValidationAttempt(attempt, response, errors));
            original ??= [.. messages];
            current = NextMessages(original, failures, attempt);
            if (live)
            {
                yield return new ChatResponseUpdate
                {
                    Role = ChatRole.Assistant,
                    AdditionalProperties = new() { [ValidationResponseProperties.DiscardPrevious] = true },
                };
            }
        }
    }

    private async ValueTask<IReadOnlyList<string>?> ValidateAsync(
        ChatResponse response, IEnumerable<ChatMessage> messages, ChatOptions? options, int attempt, CancellationToken cancellationToken)
    {
        var validators = Validators;
        var count = validators.Count;
        if (count == 0)
        {
            return null;
        }

        var context = new ChatResponseValidationContext(
            messages as IReadOnlyList<ChatMessage> ?? [.. messages], options, attempt, _maxAttempts);
        List<string>? errors = null;
        for (var i = 0; i < count; i++)
        {
            var result = await validators[i].ValidateAsync(response, context, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"The validator {validators[i].GetType().Name} returned null; it must return ChatResponseValidationResult.Success or a failure.");
            if (result.IsValid)
            {
                continue;
            }

            if (StopAtFirstFailure)
            {
                return result.Errors;
            }

            (errors ??= []).AddRange(result.Errors);
        }

        return errors;
    }

    private List<ChatMessage> NextMessages(List<ChatMessage> original, List<ValidationAttempt> failures, int attempt)
    {
        var last = failures[^1];
        LogAttemptFailed(_logger, attempt, _maxAttempts, last.Errors.Count);
        LogAttemptErrors(_logger, attempt, last.Errors);

        if (attempt >= _maxAttempts)
        {
            LogExhausted(_logger, attempt);
            throw new ValidationRetriesExhaustedException(failures, SumUsage(failures, null));
        }

        var next = new List<ChatMessage>(original.Count + (2 * failures.Count));
        next.AddRange(original);
        for (var i = KeepOnlyLastFailedAttempt ? failures.Count - 1 : 0; i < failures.Count; i++)
        {
            var failure = failures[i];
            foreach (var message in failure.Response.Messages)
            {
                if (message.Contents.Count > 0 && !IsBlankText(message))
                {
                    next.Add(message);
                }
            }

            next.Add(new ChatMessage(ChatRole.User, (RetryMessageFactory ?? CreateRetryMessage)(failure.Errors)));
        }

        return next;
    }

    private static bool IsBlankText(ChatMessage message)
    {
        foreach (var content in message.Contents)
        {
            if (content is not TextContent text || !string.IsNullOrWhiteSpace(text.Text))
            {
                return false;
            }
        }

        return true;
    }

    private static void Complete(ChatResponse response, int attempt, List<ValidationAttempt>? failures)
    {
        (response.AdditionalProperties ??= [])[ValidationResponseProperties.Attempts] = Box(attempt);
        response.AdditionalProperties[ValidationResponseProperties.AttemptUsage] = AttemptUsages(failures, response.Usage);
        if (failures is not null)
        {
            response.Usage = SumUsage(failures, response.Usage);
        }
    }

    private static ChatResponseUpdate CreateFinalUpdate(List<ChatResponseUpdate> held, int attempt, List<ValidationAttempt>? failures, UsageDetails? passingUsage)
    {
        var last = held.Count > 0 ? held[^1] : null;
        var update = new ChatResponseUpdate
        {
            MessageId = last?.MessageId,
            ResponseId = last?.ResponseId,
            AdditionalProperties = new()
            {
                [ValidationResponseProperties.Attempts] = Box(attempt),
                [ValidationResponseProperties.AttemptUsage] = AttemptUsages(failures, passingUsage),
            },
        };

        if (failures is not null && SumUsage(failures, null) is { } failedUsage)
        {
            update.Contents = [new UsageContent(failedUsage)];
        }

        return update;
    }

    private static UsageDetails?[] AttemptUsages(List<ValidationAttempt>? failures, UsageDetails? passingUsage)
    {
        if (failures is null)
        {
            return [passingUsage];
        }

        var usages = new UsageDetails?[failures.Count + 1];
        for (var i = 0; i < failures.Count; i++)
        {
            usages[i] = failures[i].Usage;
        }

        usages[^1] = passingUsage;
        return usages;
    }

    private static UsageDetails? SumUsage(List<ValidationAttempt> failures, UsageDetails? passingUsage)
    {
        UsageDetails? sum = null;
        foreach (var failure in failures)
        {
            if (failure.Usage is { } usage)
            {
                (sum ??= new UsageDetails()).Add(usage);
            }
        }

        if (passingUsage is not null)
        {
            (sum ??= new UsageDetails()).Add(passingUsage);
        }

        return sum;
    }

    private static object Box(int attempt) => attempt < BoxedAttempts.Length ? BoxedAttempts[attempt] : attempt;

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Retry with validation: attempt {Attempt} of {MaxAttempts} failed with {ErrorCount} error(s).")]
    private static partial void LogAttemptFailed(ILogger logger, int attempt, int maxAttempts, int errorCount);

    [LoggerMessage(EventId = 2, Level = LogLevel.Trace, Message = "Retry with validation: errors of attempt {Attempt}: {Errors}")]
    private static partial void LogAttemptErrors(ILogger logger, int attempt, IReadOnlyList<string> errors);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Retry with validation: all {Attempts} attempt(s) failed validation.")]
    private static partial void LogExhausted(ILogger logger, int attempts);
}
