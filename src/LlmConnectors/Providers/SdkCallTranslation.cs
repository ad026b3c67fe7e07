using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace LlmConnectors;

/// <summary>
/// Runs a call on an official SDK's <see cref="IChatClient"/> and turns the SDK's exceptions into <see cref="LlmConnectorException"/>,
/// so that failover and retries decide on <see cref="LlmErrorKind"/> whatever the leaf.
/// </summary>
internal static class SdkCallTranslation
{
    /// <summary>Gets a response, translating failures.</summary>
    /// <param name="inner">The SDK's client.</param>
    /// <param name="messages">The conversation.</param>
    /// <param name="options">The options.</param>
    /// <param name="translate">Maps an SDK exception (and the requested model) to the pack's; <see langword="null"/> leaves it as it is.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The response.</returns>
    public static async Task<ChatResponse> GetResponseAsync(
        IChatClient inner, IEnumerable<ChatMessage> messages, ChatOptions? options, Func<Exception, string?, LlmConnectorException?> translate, CancellationToken cancellationToken)
    {
        try
        {
            return await inner.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not LlmConnectorException && translate(ex, options?.ModelId) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>Streams a response, translating failures before and during the stream (the updates already yielded stay yielded).</summary>
    /// <param name="inner">The SDK's client.</param>
    /// <param name="messages">The conversation.</param>
    /// <param name="options">The options.</param>
    /// <param name="translate">Maps an SDK exception (and the requested model) to the pack's; <see langword="null"/> leaves it as it is.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The updates.</returns>
    public static async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IChatClient inner, IEnumerable<ChatMessage> messages, ChatOptions? options, Func<Exception, string?, LlmConnectorException?> translate,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        IAsyncEnumerator<ChatResponseUpdate> enumerator;
        try
        {
            enumerator = inner.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not LlmConnectorException && translate(ex, options?.ModelId) is { } translated)
        {
            throw translated;
        }

        await using (enumerator.ConfigureAwait(false))
        {
            while (true)
            {
                try
                {
                    if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                    {
                        yield break;
                    }
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not LlmConnectorException && translate(ex, options?.ModelId) is { } translated)
                {
                    throw translated;
                }

                yield return enumerator.Current;
            }
        }
    }

    /// <summary>Translates the failures every SDK shares: network faults and the SDK's own request timeout.</summary>
    /// <param name="exception">The failure.</param>
    /// <param name="provider">The provider name.</param>
    /// <param name="displayName">The provider's name in messages.</param>
    /// <param name="timeoutSetting">The setting that bounds a request, for the timeout message.</param>
    /// <param name="modelId">The requested model.</param>
    /// <returns>The pack's exception, or <see langword="null"/> when the failure is none of these.</returns>
    public static LlmConnectorException? TranslateCommon(Exception exception, string provider, string displayName, string timeoutSetting, string? modelId) => exception switch
    {
        HttpRequestException or IOException => new LlmConnectorException(
            $"Could not reach {displayName}: {exception.Message}. Check the endpoint setting and the network.", LlmErrorKind.Network, provider, innerException: exception)
        { ModelId = modelId },
        OperationCanceledException or TimeoutException => new LlmConnectorException(
            $"{displayName} did not answer within the configured timeout; raise {timeoutSetting} or try again.", LlmErrorKind.Timeout, provider, innerException: exception)
        { ModelId = modelId },
        _ => null,
    };
}
