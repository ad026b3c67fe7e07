using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using static LlmConnectors.IntegrationTests.ClaudeProxy.ProxyTestHelpers;

namespace LlmConnectors.IntegrationTests.ClaudeProxy;

public class ChatCompletionsEndpointTests
{
    [Fact]
    public async Task ChatCompletions_NonStreaming_ReturnsOpenAICompletionWithUsage()
    {
        await using var factory = new ProxyFactory();
        using var client = factory.CreateClient();

        var (status, body, response) = await PostJsonAsync(client, """{"model":"opus","messages":[{"role":"user","content":"Hi"}],"max_tokens":50,"user":"u-1"}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("chat.completion", body.GetProperty("object").GetString());
        Assert.Equal("resp-1", body.GetProperty("id").GetString());
        var choice = body.GetProperty("choices")[0];
        Assert.Equal("assistant", choice.GetProperty("message").GetProperty("role").GetString());
        Assert.Equal("Hello from the fake", choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        Assert.Equal(11, body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(7, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(18, body.GetProperty("usage").GetProperty("total_tokens").GetInt32());
        Assert.Equal("opus", factory.Client.LastOptions!.ModelId);
        Assert.Equal(50, factory.Client.LastOptions.MaxOutputTokens);
        Assert.True(response.Headers.Contains("x-request-id"));
    }

    [Theory]
    [InlineData("\"\"")]
    [InlineData("[{\"type\":\"text\",\"text\":\"\"}]")]
    [InlineData("null")]
    public async Task ChatCompletions_AssistantToolCallsWithEmptyText_TheCallsAreItsContent(string content)
    {
        // MEAI's OpenAI client sends a streamed tool-call turn back with an empty text part; other clients with "content": "".
        await using var factory = new ProxyFactory();
        using var client = factory.CreateClient();

        var (status, _, _) = await PostJsonAsync(client, """
            {"model":"sonnet","messages":[
              {"role":"user","content":"Weather in Lyon?"},
              {"role":"assistant","content":CONTENT,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Lyon\"}"}}]},
              {"role":"tool","tool_call_id":"call_1","content":"sunny"}],
             "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]}
            """.Replace("CONTENT", content, StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.OK, status);
        var assistant = factory.Client.LastMessages![1];
        Assert.Equal(ChatRole.Assistant, assistant.Role);
        Assert.Equal("call_1", Assert.IsType<FunctionCallContent>(Assert.Single(assistant.Contents)).CallId);
    }

    [Fact]
    public async Task ChatCompletions_AssistantWithoutToolCallsAndEmptyText_Is400NamingTheField()
    {
        await using var factory = new ProxyFactory();
        using var client = factory.CreateClient();

        var (status, body, _) = await PostJsonAsync(client, """{"model":"sonnet","messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":""},{"role":"user","content":"Hi again"}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("messages[1].content", body.GetProperty("error").GetProperty("param").GetString());
    }

    [Fact]
    public async Task ChatCompletions_ConfiguredAlias_MapsToCliModel()
    {
        await using var factory = new ProxyFactory(new() { ["ClaudeProxy:Models:gpt-4o"] = "sonnet" });
        using var client = factory.CreateClient();

        var (status, body, _) = await PostJsonAsync(client, """{"model":"gpt-4o","messages":[{"role":"user","content":"Hi"}],"max_completion_tokens":9}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("sonnet", factory.Client.LastOptions!.ModelId);
        Assert.Equal(9, factory.Client.LastOptions.MaxOutputTokens);
        Assert.Equal("sonnet", body.GetProperty("model").GetString());
    }

    [Fact]
    public async Task ChatCompletions_MessagesWithRolesAndImage_MapToChatMessages()
    {
        await using var factory = new ProxyFactory();
        using var client = factory.CreateClient();
        var png = Convert.ToBase64String([0x89, 0x50, 0x4E, 0x47, 1, 2, 3]);

        var (status, _, _) = await PostJsonAsync(client, $$$"""
            {"model":"sonnet","messages":[
              {"role":"system","content":"Be brief."},
              {"role":"developer","content":[{"type":"text","text":"Answer in English."}]},
              {"role":"user","name":"ann","content":[{"type":"text","text":"What is this?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,{{{png}}}"}}]},
              {"role":"assistant","content":"A picture."},
              {"role":"user","content":"Sure?"}
            ]}
            """);

        Assert.Equal(HttpStatusCode.OK, status);
        var messages = factory.Client.LastMessages!;
        Assert.Equal([ChatRole.System, ChatRole.System, ChatRole.User, ChatRole.Assistant, ChatRole.User], messages.Select(m => m.Role));
        Assert.Equal("ann", messages[2].AuthorName);
        var image = Assert.IsType<DataContent>(messages[2].Contents[1]);
        Assert.Equal("image/png", image.MediaType);
        Assert.Equal([0x89, 0x50, 0x4E, 0x47, 1, 2, 3], image.Data.ToArray());
    }

    [Fact]
    public async Task ChatCompletions_JsonSchemaResponseFormat_PassesSchema()
    {
        await using var factory = new ProxyFactory();
        using var client = factory.CreateClient();

        var (status, _, _) = await PostJsonAsync(client, """
            {"model":"sonnet","messages":[{"role":"user","content":"x"}],
             "response_format":{"type":"json_schema","json_schema":{"name":"person","description":"A person","schema":{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}}}}
            """);

        Assert.Equal(HttpStatusCode.OK, status);
        var format = Assert.IsType<ChatResponseFormatJson>(factory.Client.LastOptions!.ResponseFormat);
        Assert.Equal("person", format.SchemaName);
        Assert.Equal("A person", format.SchemaDescription);
        Assert.Equal("object", format.Schema!.Value.GetProperty("type").GetString());
    }

    [Fact]
    public async Task ChatCompletions_JsonObjectResponseFormat_AsksForJson()
    {
        await using var factory = new ProxyFactory();
        using var client = factory.CreateClient();

        var (status, _, _) = await PostJsonAsync(client, """{"model":"sonnet","messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_object"}}""");

        Assert.Equal(HttpStatusCode.OK, status);
        var format = Assert.IsType<ChatResponseFormatJson>(factory.Client.LastOptions!.ResponseFormat);
        Assert.Null(format.Schema);
    }

    [Fact]
    public async Task ChatCompletions_UnknownModel_Returns404ModelNotFound()
    {
        await using var factory = new ProxyFactory();
        using var client = factory.CreateClient();

        var (status, body, _) = await PostJsonAsync(client, """{"model":"gpt-5","messages":[{"role":"user","content":"Hi"}]}""");

        Assert.Equal(HttpStatusCode.NotFound, status);
        AssertError(body, "model_not_found", "model", "invalid_request_error");
        Assert.Contains("sonnet", body.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(0, factory.Client.Calls);
    }

    [Theory]
    [InlineData("max/opus", "opus")]
    [InlineData("MAX/haiku", "haiku")]
    [InlineData("claude-proxy/sonnet", "sonnet")]
    public async Task ChatCompletions_RoutingPrefixOfThePack_RemovedByTheLibraryRules(string requested, string cliModel)
    {
        await using var factory = new ProxyFactory();
        using var client = factory.CreateClient();

        var (status, _, _) = await PostJsonAsync(client, $$"""{"model":"{{requested}}","messages":[{"role":"user","content":"Hi"}]}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(cliModel, factory.Client.LastOptions!.ModelId);
    }

    [Theory]
    [InlineData("max/gpt-5")]
    [InlineData("max/")]
    [InlineData("openrouter/sonnet")]
    public async Task ChatCompletions_PrefixedUnknownModel_Returns404ModelNotFound(string requested)
    {
        await using var factory = new ProxyFactory();
        using var client = factory.CreateClient();

        var (status, body, _) = await PostJsonAsync(client, $$"""{"model":"{{requested}}","messages":[{"role":"user","content":"Hi"}]}""");

        Assert.Equal(HttpStatusCode.NotFound, status);
        AssertError(body, "model_not_found", "model", "invalid_request_error");
        Assert.Equal(0, factory.Client.Calls);
    }

    [Fact]
    public async Task ChatCompletions_ConfiguredPrefixedId_WinsOverPrefixRemoval()
    {
        await using var factory = new ProxyFactory(new() { ["ClaudeProxy:Models:max/sonnet"] = "opus" });
        using var client = factory.CreateClient();

        var (status, _, _) = await PostJsonAsync(client, """{"model":"max/sonnet","messages":[{"role":"user","content":"Hi"}]}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("opus", factory.Client.LastOptions!.ModelId);
    }

    [Theory]
    [InlineData("temperature", "0.2")]
    [InlineData("n", "2")]
    [InlineData("stop", "\"END\"")]
    [InlineData("logprobs", "true")]
    [InlineData("frobnicate", "1")]
    public async Task ChatCompletions_UnsupportedParameterWithReject_Returns400NamingIt(string param, string value)
    {
        await using var factory = new ProxyFactory(new() { ["ClaudeProxy:UnsupportedParameters"] = "Reject" });
        using var client = factory.CreateClient();

        var (status, body, _) = await PostJsonAsync(client, $$"""{"model":"sonnet","messages":[{"role":"user","content":"Hi"}],"{{param}}":{{value}}}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        AssertError(body, "unsupported_parameter", param);
        Assert.Equal(0, factory.Client.Calls);
    }

    [Fact]
    public async Task ChatCompletions_UnsupportedParameterByDefault_ServesNamesItInHeaderAndPassesTheValueOn()
    {
        await using var factory = new ProxyFactory();
        using var client = factory.CreateClient();

        var (status, _, response) = await PostJsonAsync(client, """{"model":"sonnet","messages":[{"role":"user","content":"Hi"}],"temperature":0.3,"top_p":0.9,"stop":["END"]}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("temperature, top_p, stop", Assert.Single(response.Headers.GetValues("X-ClaudeProxy-Ignored-Parameters")));
        Assert.Equal(0.3f, factory.Client.LastOptions!.Temperature);
        Assert.Equal(["END"], factory.Client.LastOptions.StopSequences!);
    }

    [Fact]
    public async Task ChatCompletions_DefaultParameterValues_AreAccepted()
    {
        await using var factory = new ProxyFactory();
        using var client = factory.CreateClient();

        var (status, _, response) = await PostJsonAsync(client, """{"model":"sonnet","messages":[{"role":"user","content":"Hi"}],"n":1,"logprobs":false,"store":false,"frequency_penalty":0,"presence_penalty":0,"tool_choice":"none","stream":false}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(response.Headers.Contains("X-ClaudeProxy-Ignored-Parameters"));
    }

    [Fact]
    public async Task ChatCompletions_RemoteImageNotAllowed_Returns400()
    {
        await using var factory = new ProxyFactory();
        using var client = factory.CreateClient();

        var (status, body, _) = await PostJsonAsync(client, """{"model":"sonnet","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"http://127.0.0.1:9/cat.png"}}]}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        AssertError(body, "remote_image_not_allowed", "messages[0].content[0].image_url.url");
    }

    [Fact]
    public async Task ChatCompletions_AudioPart_Returns400()
    {
        await using var factory = new ProxyFactory();
        using var client = factory.CreateClient();

        var (status, body, _) = await PostJsonAsync(client, """{"model":"sonnet","messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"AAAA","format":"wav"}}]}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        AssertError(body, "unsupported_content", "messages[0].content[0]");
    }

    [Fact]
    public async Task ChatCompletions_ImageUrlThatIsNotAnImage_Returns400()
    {
        await using var factory = new ProxyFactory();
        using var client = factory.CreateClient();

        var (status, body, _) = await PostJsonAsync(client, """{"model":"sonnet","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:text/plain;base64,aGk="}}]}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        AssertError(body, "invalid_value", "messages[0].content[0].image_url.url");
    }

    [Theory]
    [InlineData(typeof(LlmConnectorException), LlmErrorKind.Unavailable, HttpStatusCode.BadGateway, "upstream_unavailable")]
    [InlineData(typeof(LlmConnectorException), LlmErrorKind.ServerError, HttpStatusCode.BadGateway, "upstream_error")]
    [InlineData(typeof(ClaudeCliException), LlmErrorKind.ProcessFailed, HttpStatusCode.BadGateway, "upstream_error")]
    [InlineData(typeof(ClaudeCliException), LlmErrorKind.Authentication, HttpStatusCode.BadGateway, "upstream_authentication_failed")]
    [InlineData(typeof(LlmConnectorException), LlmErrorKind.Timeout, HttpStatusCode.GatewayTimeout, "timeout")]
    [InlineData(typeof(LlmConnectorException), LlmErrorKind.RequestTooLarge, HttpStatusCode.BadRequest, "context_length_exceeded")]
    [InlineData(typeof(InvalidOperationException), LlmErrorKind.Unknown, HttpStatusCode.BadGateway, "upstream_error")]
    public async Task ChatCompletions_BackendFailure_MapsToSanitizedStatus(Type exceptionType, LlmErrorKind kind, HttpStatusCode expected, string code)
    {
        await using var factory = new ProxyFactory();
        const string Secret = "/home/op/.claude/credentials sk-ant-SECRET";
        factory.Client.ThrowBeforeFirst = exceptionType == typeof(InvalidOperationException)
            ? new InvalidOperationException(Secret)
            : exceptionType == typeof(ClaudeCliException)
                ? new ClaudeCliException(Secret, kind) { StandardErrorTail = Secret }
                : new LlmConnectorException(Secret, kind, "claude-code");
        using var client = factory.CreateClient();

        foreach (var stream in new[] { false, true })
        {
            var (status, body, response) = await PostJsonAsync(client, $$"""{"model":"sonnet","messages":[{"role":"user","content":"Hi"}],"stream":{{(stream ? "true" : "false")}}}""");

            Assert.Equal(expected, status);
            AssertError(body, code);
            Assert.DoesNotContain("SECRET", body.GetRawText(), StringComparison.Ordinal);
            Assert.DoesNotContain("/home", body.GetRawText(), StringComparison.Ordinal);
            Assert.Contains(response.Headers.GetValues("x-request-id").Single(), body.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ChatCompletions_BackendRateLimited_Returns429WithRetryAfter()
    {
        await using var factory = new ProxyFactory();
        factory.Client.ThrowBeforeFirst = new LlmConnectorException("busy", LlmErrorKind.RateLimited, "claude-code") { RetryAfter = TimeSpan.FromSeconds(7) };
        using var client = factory.CreateClient();

        var (status, body, response) = await PostJsonAsync(client, SimpleRequest);

        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        AssertError(body, "rate_limit_exceeded", expectedType: "rate_limit_error");
        Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter!.Delta);
    }

    [Fact]
    public async Task ChatCompletions_QueueFull_Returns429WithRetryAfter()
    {
        await using var factory = new ProxyFactory(new() { ["ClaudeProxy:MaxConcurrentRequests"] = "1", ["ClaudeProxy:QueueLimit"] = "0", ["ClaudeProxy:QueueFullRetryAfter"] = "00:00:03" });
        factory.Client.HangUntilCancelled = true;
        using var client = factory.CreateClient();
        using var first = new CancellationTokenSource();
        using var firstContent = new StringContent(SimpleRequest, Encoding.UTF8, "application/json");
        var firstCall = client.PostAsync("/v1/chat/completions", firstContent, first.Token);
        await factory.Client.Started.WaitAsync(TestContext.Current.CancellationToken);

        var (status, body, response) = await PostJsonAsync(client, SimpleRequest);

        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        AssertError(body, "queue_full", expectedType: "rate_limit_error");
        Assert.Equal(TimeSpan.FromSeconds(3), response.Headers.RetryAfter!.Delta);
        await first.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => firstCall);
        await factory.Client.Cancelled.WaitAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task ChatCompletions_RequestTimeout_Returns504AndCancelsTheClient()
    {
        await using var factory = new ProxyFactory(new() { ["ClaudeProxy:RequestTimeout"] = "00:00:00.200" });
        factory.Client.HangUntilCancelled = true;
        using var client = factory.CreateClient();

        var (status, body, _) = await PostJsonAsync(client, SimpleRequest);

        Assert.Equal(HttpStatusCode.GatewayTimeout, status);
        AssertError(body, "timeout");
        await factory.Client.Cancelled.WaitAsync(TestContext.Current.CancellationToken);
    }
}
