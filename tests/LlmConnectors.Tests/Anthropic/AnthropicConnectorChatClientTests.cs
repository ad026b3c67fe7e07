using Anthropic;
using Microsoft.Extensions.AI;

namespace LlmConnectors.Tests.Anthropic;

public class AnthropicConnectorChatClientTests
{
    [Fact]
    public async Task Dispose_DisposesTheSdkClientAndTheHttpClientItMade()
    {
        var leaf = new AnthropicConnectorChatClient(new AnthropicConnectorOptions { ApiKey = "sk-ant-test" });
        var sdk = Assert.IsAssignableFrom<IAnthropicClient>(leaf.GetService(typeof(IAnthropicClient)));
        var http = sdk.HttpClient;

        leaf.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => http.GetAsync(new Uri("http://127.0.0.1:9/"), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Dispose_LeavesTheCallersHttpClientOpen()
    {
        using var http = new HttpClient(new RefusingHandler());
        var leaf = new AnthropicConnectorChatClient(new AnthropicConnectorOptions { ApiKey = "sk-ant-test", HttpClient = http });

        leaf.Dispose();

        using var response = await http.GetAsync(new Uri("http://127.0.0.1:9/"), TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.NoContent, response.StatusCode);
    }

    private sealed class RefusingHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.NoContent));
    }
}
