using System.Net.Http.Headers;
using LlmConnectors.ClaudeProxy.Configuration;
using Microsoft.Extensions.Options;

namespace LlmConnectors.ClaudeProxy.Mapping;

/// <summary>Downloads the image of an http(s) <c>image_url</c> part, bounded in size and time; used only with <c>ClaudeProxy:AllowRemoteImages=true</c>.</summary>
internal sealed class RemoteImageFetcher(IHttpClientFactory httpClientFactory, IOptions<ClaudeProxyOptions> options)
{
    /// <summary>The name of the <see cref="HttpClient"/> the fetcher uses.</summary>
    public const string HttpClientName = "ClaudeProxy.RemoteImages";

    /// <summary>Downloads an image.</summary>
    /// <param name="url">The absolute http(s) URL.</param>
    /// <param name="cancellationToken">The request's token.</param>
    /// <returns>The bytes and media type, or an error message for the client.</returns>
    public async Task<(byte[]? Data, string? MediaType, string? Error)> FetchAsync(Uri url, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        var settings = options.Value;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.RemoteImageTimeout);
        try
        {
            var client = httpClientFactory.CreateClient(HttpClientName);
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("image/*"));
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                return (null, null, $"downloading it answered HTTP {(int)response.StatusCode}");
            }

            var mediaType = response.Content.Headers.ContentType?.MediaType;
            if (mediaType is null || !mediaType.StartsWith("image/", StringComparison.OrdinalIgnoreCase))
            {
                return (null, null, $"it is not an image (Content-Type '{mediaType ?? "none"}')");
            }

            if (response.Content.Headers.ContentLength > settings.MaxRemoteImageBytes)
            {
                return (null, null, $"it is larger than {settings.MaxRemoteImageBytes} bytes (ClaudeProxy:MaxRemoteImageBytes)");
            }

            await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await stream.ReadAsync(chunk, timeout.Token)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > settings.MaxRemoteImageBytes)
                {
                    return (null, null, $"it is larger than {settings.MaxRemoteImageBytes} bytes (ClaudeProxy:MaxRemoteImageBytes)");
                }
            }

            return (buffer.ToArray(), mediaType, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, null, $"downloading it took longer than {settings.RemoteImageTimeout} (ClaudeProxy:RemoteImageTimeout)");
        }
        catch (HttpRequestException)
        {
            return (null, null, "it could not be downloaded (connection failed)");
        }
    }
}
