using LlmConnectors.TestServers.Google;
using LlmConnectors.TestServers.OpenRouter;
using Microsoft.Extensions.AI;

namespace LlmConnectors.IntegrationTests.Google;

/// <summary>
/// The <c>vertex</c> leaf against a scripted OpenAI-compatible Vertex AI endpoint and a scripted Google token endpoint: Google.Apis.Auth
/// reads a service-account key whose <c>token_uri</c> points at the loopback server and signs its own JWT grant.
/// </summary>
public sealed class VertexAIConnectorChatClientTests : IAsyncLifetime
{
    private OpenRouterTestServer _server = null!;
    private GoogleTokenServer _tokens = null!;
    private string _directory = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await OpenRouterTestServer.StartAsync(TestContext.Current.CancellationToken);
        _tokens = await GoogleTokenServer.StartAsync(TestContext.Current.CancellationToken);
        _directory = Directory.CreateTempSubdirectory("llmc-vertex-").FullName;
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _tokens.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private VertexAIConnectorChatClient CreateClient() => new(new VertexAIConnectorOptions
    {
        ProjectId = "scripted-project",
        Endpoint = new Uri(_server.BaseAddress, "v1/projects/scripted-project/locations/global/endpoints/openapi"),
        CredentialsFile = _tokens.WriteServiceAccountFile(_directory),
        Retry = new TransportRetryOptions { Enabled = false },
    });

    [Fact]
    public async Task GetResponseAsync_ServiceAccountKey_SendsTheAccessTokenFromTheTokenEndpoint()
    {
        using var client = CreateClient();

        var response = await client.GetResponseAsync("Hello Vertex", cancellationToken: TestContext.Current.CancellationToken);

        var request = Assert.Single(_server.ChatRequests);
        Assert.Equal("You said: Hello Vertex", response.Text);
        Assert.Equal("/v1/projects/scripted-project/locations/global/endpoints/openapi/chat/completions", request.Path);
        Assert.Equal("Bearer ya29.scripted-1", request.Header("Authorization"));
        Assert.Equal("google/gemini-2.5-flash", request.Json().GetProperty("model").GetString());
        Assert.Equal(["urn:ietf:params:oauth:grant-type:jwt-bearer"], _tokens.Grants);
        Assert.Equal("vertex", client.GetService<ChatClientMetadata>()?.ProviderName);
    }

    [Fact]
    public async Task GetResponseAsync_TokenAboutToExpire_IsRefreshedBeforeTheNextRequest()
    {
        _tokens.ExpiresInSeconds = 60;
        using var client = CreateClient();

        await client.GetResponseAsync("one", cancellationToken: TestContext.Current.CancellationToken);
        await client.GetResponseAsync("two", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("Bearer ya29.scripted-1", _server.ChatRequests[0].Header("Authorization"));
        Assert.Equal("Bearer ya29.scripted-2", _server.ChatRequests[1].Header("Authorization"));
    }

    [Fact]
    public async Task GetResponseAsync_TokenEndpointRefusesTheGrant_FailsWithAuthenticationNamingTheSetting()
    {
        _tokens.RefuseGrants = true;
        using var client = CreateClient();

        var error = await Assert.ThrowsAsync<LlmConnectorException>(() => client.GetResponseAsync("Hi", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(LlmErrorKind.Authentication, error.Kind);
        Assert.Equal("vertex", error.Provider);
        Assert.Contains("invalid_grant", error.Message, StringComparison.Ordinal);
        Assert.Contains("VertexAI:CredentialsFile", error.Message, StringComparison.Ordinal);
        Assert.Empty(_server.ChatRequests);
    }

    [Fact]
    public async Task FunctionInvocation_StreamedToolCallWithSignature_RoundTripsThroughVertex()
    {
        using var leaf = CreateClient();
        using var client = leaf.AsBuilder().UseFunctionInvocation().Build();
        _server.Enqueue(GeminiScripts.StreamToolCallWithSignature(), GeminiScripts.StreamText("Sunny."));
        var options = new ChatOptions { Tools = [AIFunctionFactory.Create((string city) => $"sunny in {city}", "get_weather")] };

        var text = new List<string>();
        await foreach (var update in client.GetStreamingResponseAsync("Weather?", options, TestContext.Current.CancellationToken))
        {
            text.Add(update.Text);
        }

        Assert.Equal("Sunny.", string.Concat(text));
        GeminiConnectorChatClientTests.AssertSignatureSentBack(_server.ChatRequests[1]);
        Assert.All(_server.ChatRequests, r => Assert.StartsWith("Bearer ya29.scripted-", r.Header("Authorization"), StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetResponseAsync_ServerError_MapsToLlmErrorKind()
    {
        using var client = CreateClient();
        _server.Enqueue(GeminiScripts.Error(503, "UNAVAILABLE", "The model is overloaded."));

        var error = await Assert.ThrowsAsync<LlmConnectorException>(() => client.GetResponseAsync("Hi", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(LlmErrorKind.Unavailable, error.Kind);
        Assert.True(error.IsTransient);
    }
}
