using System.Text.RegularExpressions;
using LlmConnectors.TestServers.Anthropic;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Model;
using Yarp.ReverseProxy.Transforms;
using LlmConnectors.TestServers;

namespace LlmConnectors.IntegrationTests.ClaudeProxy.Replicas;

/// <summary>
/// Two real proxy processes (replicas <c>a</c> and <c>b</c>, each with the real pinned Claude CLI) sharing one real redis-server, behind
/// YARP (round robin, in process), over one scripted Anthropic backend. YARP names the replica that served each response in
/// <see cref="ReplicaHeader"/>. Every test uses API keys of its own, so that the per-key rate limit and cache of one test do not reach
/// another. Disposing it checks that no process (replica, CLI, redis-server) is left.
/// </summary>
public sealed partial class ReplicaClusterFixture : IAsyncLifetime
{
    /// <summary>The response header YARP adds: the replica (<c>a</c> or <c>b</c>) that served the response.</summary>
    public const string ReplicaHeader = "X-Test-Replica";

    /// <summary>The shared limit of every key: requests per hour, all replicas together.</summary>
    public const int RequestsPerWindow = 6;

    /// <summary>The keys the replicas accept besides <see cref="ProxyProcess.ApiKey"/>, one or two per test.</summary>
    public static readonly string[] Keys = [.. Enumerable.Range(1, 6).Select(i => $"replica-test-key-{i}-0123456789abcdef")];

    private WebApplication? _front;

    public RedisServerProcess Redis { get; private set; } = null!;

    public ScriptedAnthropicServer Backend { get; private set; } = null!;

    public ProxyProcess ReplicaA { get; private set; } = null!;

    public ProxyProcess ReplicaB { get; private set; } = null!;

    /// <summary>Gets the address of the reverse proxy in front of both replicas.</summary>
    public string FrontUrl { get; private set; } = string.Empty;

    public async ValueTask InitializeAsync()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        Redis = await RedisServerProcess.StartAsync(cancellationToken);
        Backend = await ScriptedAnthropicServer.StartAsync(cancellationToken);
        Backend.DefaultReply = request => ScriptedAnthropicReply.Text(Answer(request));
        var settings = new Dictionary<string, string>
        {
            ["ClaudeProxy__Redis"] = Redis.ConnectionString,
            ["ClaudeProxy__ResponseCache__Enabled"] = "true",
            ["ClaudeProxy__RateLimit__RequestsPerWindow"] = RequestsPerWindow.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // An hour, so that no request of a test leaves the window while the test runs, however slow the machine.
            ["ClaudeProxy__RateLimit__Window"] = "01:00:00",
            ["ClaudeProxy__Cli__WarmPoolSize"] = "1",
        };
        for (var i = 0; i < Keys.Length; i++)
        {
            settings[$"ClaudeProxy__ApiKeys__{i}"] = Keys[i];
        }

        var replicas = await Task.WhenAll(ProxyProcess.StartAsync(Backend, settings), ProxyProcess.StartAsync(Backend, settings));
        (ReplicaA, ReplicaB) = (replicas[0], replicas[1]);
        await StartFrontAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_front is not null)
        {
            await _front.DisposeAsync();
        }

        var replicas = new[] { ReplicaA, ReplicaB }.Where(r => r is not null).ToList();
        var children = replicas.SelectMany(r => r.ClaudeDescendants()).ToList();
        var processes = replicas.Select(r => r.ProcessId).ToList();
        foreach (var replica in replicas)
        {
            await replica.DisposeAsync();
        }

        await Backend.DisposeAsync();
        var redis = Redis.ProcessId;
        await Redis.DisposeAsync();
        // The CLI processes die with their replica by the parent-death signal: give the kernel a moment to deliver it.
        var pids = children.Concat(processes).Append(redis).ToList();
        for (var i = 0; i < 100 && pids.Any(ProcessTree.IsAlive); i++)
        {
            await Task.Delay(100);
        }

        var survivors = pids.Where(ProcessTree.IsAlive).ToList();
        Assert.True(survivors.Count == 0, $"Processes {string.Join(", ", survivors)} (replicas, their Claude CLI processes, redis-server) survived the cluster's disposal.");
    }

    /// <summary>The backend's answer: names the question's marker, or recalls the name the conversation gave earlier.</summary>
    private static string Answer(ReceivedAnthropicRequest request)
    {
        var conversation = request.ConversationMessages;
        if (conversation.Count == 0)
        {
            return "No conversation.";
        }

        var last = conversation[^1].Text;
        if (last.Contains("What is my name?", StringComparison.Ordinal))
        {
            var name = conversation.Take(conversation.Count - 1).Select(m => NamePattern().Match(m.Text)).FirstOrDefault(m => m.Success);
            return name is null ? "I do not know your name." : $"Your name is {name.Groups[1].Value}.";
        }

        return MarkerPattern().Match(last) is { Success: true } marker ? "Answer to " + marker.Value : "No marker.";
    }

    private async Task StartFrontAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production", ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddReverseProxy()
            .LoadFromMemory(
                [new RouteConfig { RouteId = "all", ClusterId = "replicas", Match = new RouteMatch { Path = "{**rest}" } }],
                [
                    new ClusterConfig
                    {
                        ClusterId = "replicas",
                        LoadBalancingPolicy = "RoundRobin",
                        Destinations = new Dictionary<string, DestinationConfig>
                        {
                            ["a"] = new() { Address = ReplicaA.BaseUrl },
                            ["b"] = new() { Address = ReplicaB.BaseUrl },
                        },
                    },
                ])
            .AddTransforms(transforms => transforms.AddResponseTransform(context =>
            {
                if (context.HttpContext.Features.Get<IReverseProxyFeature>()?.ProxiedDestination?.DestinationId is { } replica)
                {
                    context.HttpContext.Response.Headers[ReplicaHeader] = replica;
                }

                return ValueTask.CompletedTask;
            }));
        _front = builder.Build();
        _front.MapReverseProxy();
        await _front.StartAsync(TestContext.Current.CancellationToken);
        FrontUrl = _front.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    [GeneratedRegex(@"My name is (\w+)")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"q-[0-9a-f]{32}")]
    private static partial Regex MarkerPattern();
}
