using System.Net.Http.Headers;
using Google.Apis.Auth.OAuth2;
using Google.Apis.Auth.OAuth2.Responses;

namespace LlmConnectors;

/// <summary>
/// Puts a Vertex AI access token on each request, from a Google.Apis.Auth credential: the one set in code, a credentials file, or
/// application-default credentials. The credential caches its token and refreshes it before it expires.
/// </summary>
/// <param name="options">The Vertex AI settings.</param>
/// <param name="sectionName">The configuration path of the settings, for the error messages.</param>
internal sealed class GoogleAccessTokenSource(VertexAIConnectorOptions options, string sectionName)
{
    private GoogleCredential? _credential;

    /// <summary>Sets <c>Authorization: Bearer</c> on a request.</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the header is set.</returns>
    /// <exception cref="LlmConnectorException">No credential was found (<see cref="LlmErrorKind.Authentication"/>), the token endpoint refused it, or could not be reached.</exception>
    public async ValueTask AuthorizeAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var credential = _credential ??= await LoadAsync(cancellationToken).ConfigureAwait(false);
        string token;
        try
        {
            token = await ((ITokenAccess)credential).GetAccessTokenForRequestAsync(request.RequestUri?.ToString(), cancellationToken).ConfigureAwait(false);
        }
        catch (TokenResponseException ex)
        {
            var status = ex.StatusCode is { } code ? (int)code : 401;
            var kind = status is >= 500 ? LlmConnectorException.KindFromStatus(status) : LlmErrorKind.Authentication;
            throw new LlmConnectorException(
                $"Google's token endpoint refused the Vertex AI credentials ({ex.Error?.Error ?? "no error code"}, HTTP {status}): {ex.Error?.ErrorDescription ?? "no description"}. " +
                $"Check {sectionName}:CredentialsFile or {VertexAIConnectorOptions.CredentialsEnvironmentVariable}, or run 'gcloud auth application-default login' again.",
                kind,
                VertexAIConnectorChatClient.ProviderName,
                ex.StatusCode,
                ex)
            { ErrorCode = ex.Error?.Error };
        }
        catch (HttpRequestException ex)
        {
            throw new LlmConnectorException(
                $"Could not reach Google's token endpoint for the Vertex AI credentials: {ex.Message}. Check the network.",
                LlmErrorKind.Network,
                VertexAIConnectorChatClient.ProviderName,
                innerException: ex);
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    private async Task<GoogleCredential> LoadAsync(CancellationToken cancellationToken)
    {
        GoogleCredential credential;
        try
        {
            if (options.Credential is { } configured)
            {
                credential = configured;
            }
            else if (options.ResolveCredentialsFile() is { } file)
            {
                var type = GoogleCredentialsFile.TryRead(file)?.Type;
                if (type is not (JsonCredentialParameters.ServiceAccountCredentialType or JsonCredentialParameters.AuthorizedUserCredentialType))
                {
                    throw new LlmConnectorException(
                        $"The Vertex AI credentials file '{file}' ({sectionName}:CredentialsFile or {VertexAIConnectorOptions.CredentialsEnvironmentVariable}) has type '{type ?? "none"}'; " +
                        "it must be a service-account key (\"type\": \"service_account\") or a file from 'gcloud auth application-default login' (\"type\": \"authorized_user\").",
                        LlmErrorKind.Authentication,
                        VertexAIConnectorChatClient.ProviderName);
                }

                credential = await CredentialFactory.FromFileAsync(file, type, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                credential = await GoogleCredential.GetApplicationDefaultAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (InvalidOperationException ex)
        {
            throw new LlmConnectorException(
                $"No Google application-default credentials were found for Vertex AI: {ex.Message} " +
                $"Set {sectionName}:CredentialsFile or {VertexAIConnectorOptions.CredentialsEnvironmentVariable} to a service-account key, or run 'gcloud auth application-default login'.",
                LlmErrorKind.Authentication,
                VertexAIConnectorChatClient.ProviderName,
                innerException: ex);
        }

        return credential.IsCreateScopedRequired ? credential.CreateScoped(VertexAIConnectorOptions.Scope) : credential;
    }
}
