using System.CommandLine;
using System.Text;
using System.Text.Json.Nodes;
using LlmConnectors.Cli.Backends;
using LlmConnectors.Cli.Output;
using Microsoft.Extensions.AI;
using Spectre.Console;

namespace LlmConnectors.Cli.Commands;

/// <summary><c>llmc chat</c>: one prompt, or an interactive conversation, streamed to the terminal.</summary>
internal static class ChatCommand
{
    public static Command Create()
    {
        var prompt = new Argument<string?>("prompt")
        {
            Description = "The message to send. Omitted: read from stdin when it is redirected, else start an interactive conversation.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var model = new Option<string?>("--model", "-m")
        {
            Description = "The model. Its prefix picks the provider, as the library routes it: openai/, anthropic/, gemini/, vertex/, openrouter/, "
                + "max/ (the Claude CLI, else the proxy), claude-proxy/, and llmc's aliases cli/ (the CLI) and proxy/ (the proxy); any other id "
                + "goes to LlmConnectors:DefaultProvider (default: the first configured).",
        };
        var backend = new Option<BackendKind?>("--backend", "-b")
        {
            Description = "Force the provider: OpenAI, Anthropic, Gemini, VertexAI, OpenRouter, ClaudeCli or ClaudeProxy. Default: chosen from the model's prefix.",
        };
        var config = ConfigOption.Create();
        var system = new Option<string?>("--system", "-s") { Description = "A system prompt." };
        var maxTokens = new Option<int?>("--max-tokens") { Description = "The maximum number of tokens to generate." };
        var temperature = new Option<float?>("--temperature", "-t") { Description = "The sampling temperature." };
        var json = new Option<bool>("--json") { Description = "Do not stream: print one JSON object {backend, model, text, finishReason, usage} for scripts." };

        var command = new Command("chat", "Chat with a model: the answer streams to stdout; progress and usage go to stderr.")
        {
            prompt, model, backend, system, maxTokens, temperature, json, config,
        };
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            parseResult.GetValue(prompt),
            parseResult.GetValue(model),
            parseResult.GetValue(backend),
            parseResult.GetValue(system),
            new ChatOptions { MaxOutputTokens = parseResult.GetValue(maxTokens), Temperature = parseResult.GetValue(temperature) },
            parseResult.GetValue(json),
            parseResult.GetValue(config),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(
        string? prompt, string? model, BackendKind? backend, string? system, ChatOptions options, bool json, string? configFile, CancellationToken cancellationToken)
    {
        using var providers = LlmcProviders.Create(configFile, LlmcSettings.FromEnvironment(), out var problems);
        if (providers is null)
        {
            problems.ToList().ForEach(Terminal.WriteError);
            return ExitCodes.SetupProblem;
        }

        if (providers.Detected.Count == 0)
        {
            Terminal.WriteError(NothingConfigured(providers));
            return ExitCodes.SetupProblem;
        }

        // The library's router picks the provider from the model's prefix; --backend sends to one leaf, a known prefix removed.
        IChatClient client;
        string? provider;
        string? modelId;
        if (backend is { } forced)
        {
            provider = LlmcProviders.ProviderName(forced);
            var detection = providers.Report.Providers.First(p => p.Name == provider);
            if (!detection.Detected)
            {
                Terminal.WriteError($"{forced} is not configured: {detection.Reason} Run 'llmc config show' for every provider.");
                return ExitCodes.SetupProblem;
            }

            client = providers.Leaf(provider);
            _ = providers.Router.FindRoute(model, out modelId);
            modelId ??= providers.DefaultModel(provider);
        }
        else
        {
            (provider, modelId) = providers.Resolve(model);
            client = providers.Client;
        }

        var selection = new Selection(LlmcProviders.DisplayName(provider ?? "none"), modelId ?? "(default)");
        options.ModelId = backend is null ? model : modelId;
        var history = new List<ChatMessage>();
        if (!string.IsNullOrWhiteSpace(system))
        {
            history.Add(new ChatMessage(ChatRole.System, system));
        }

        try
        {
            if (prompt is null && Console.IsInputRedirected)
            {
                prompt = (await Console.In.ReadToEndAsync(cancellationToken)).Trim();
            }

            if (prompt is not null)
            {
                history.Add(new ChatMessage(ChatRole.User, prompt));
                if (json)
                {
                    var response = await client.GetResponseAsync(history, options, cancellationToken);
                    JsonOutput.Write(ToJson(selection, response));
                    return ExitCodes.Success;
                }

                await StreamAsync(client, history, options, selection, cancellationToken);
                return ExitCodes.Success;
            }

            Terminal.Error.MarkupLine($"[grey]Chatting with {Markup.Escape(selection.ModelId)} through {selection.Backend}. An empty line or /exit ends; every other line, one starting with '/', '@' or '!' included, goes to the model as typed.[/]");
            while (true)
            {
                Terminal.Error.Markup("[bold green]you>[/] ");
                var line = await Console.In.ReadLineAsync(cancellationToken);
                if (string.IsNullOrWhiteSpace(line) || line.Trim() == "/exit")
                {
                    return ExitCodes.Success;
                }

                history.Add(new ChatMessage(ChatRole.User, line));
                try
                {
                    var answer = await StreamAsync(client, history, options, selection, cancellationToken);
                    history.Add(new ChatMessage(ChatRole.Assistant, answer));
                }
                catch (LlmConnectorException e)
                {
                    // One failed turn does not end the conversation: say why, forget the question, and ask for the next one.
                    WriteFailure(selection, e);
                    history.RemoveAt(history.Count - 1);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Terminal.Error.MarkupLine("[grey]cancelled[/]");
            return ExitCodes.Cancelled;
        }
        catch (LlmConnectorException e)
        {
            WriteFailure(selection, e);
            return e.Kind == LlmErrorKind.Authentication ? ExitCodes.SetupProblem : ExitCodes.RequestFailed;
        }
    }

    private static string NothingConfigured(LlmcProviders providers) =>
        "No provider is configured. What was looked for:" + Environment.NewLine
        + string.Join(Environment.NewLine, providers.Report.Providers.Select(p => $"  {p.Name} ({p.Prefix}): {p.Reason}")) + Environment.NewLine
        + $"Set one (for example {LlmcSettings.OpenRouterApiKeyVariable}=sk-or-..., or {LlmcSettings.ClaudeProxyUrlVariable}=http://127.0.0.1:3010 for a running "
        + "'llmc serve'), or install the Claude Code CLI: npm install -g @anthropic-ai/claude-code. Run 'llmc doctor' to check the setup.";

    private static void WriteFailure(Selection selection, LlmConnectorException e) =>
        Terminal.WriteError($"{selection.Backend} failed ({e.Kind}{(e.StatusCode is { } status ? $", HTTP {(int)status}" : string.Empty)}): {e.Message}");

    private static async Task<string> StreamAsync(
        IChatClient client, List<ChatMessage> history, ChatOptions options, Selection selection, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        var updates = new List<ChatResponseUpdate>();
        await using var stream = client.GetStreamingResponseAsync(history, options, cancellationToken).GetAsyncEnumerator(cancellationToken);

        // A spinner on stderr until the first token arrives; not shown when stderr is redirected.
        bool hasUpdate;
        if (Terminal.CanAnimate)
        {
            hasUpdate = await Terminal.Error.Status()
                .Spinner(Spinner.Known.Dots)
                .StartAsync($"Waiting for {Markup.Escape(selection.ModelId)}...", _ => stream.MoveNextAsync().AsTask());
        }
        else
        {
            hasUpdate = await stream.MoveNextAsync();
        }

        try
        {
            while (hasUpdate)
            {
                updates.Add(stream.Current);
                var piece = stream.Current.Text;
                if (piece.Length > 0)
                {
                    text.Append(piece);
                    Console.Out.Write(piece);
                    await Console.Out.FlushAsync(cancellationToken);
                }

                hasUpdate = await stream.MoveNextAsync();
            }
        }
        catch (Exception e) when (text.Length > 0 && e is OperationCanceledException or LlmConnectorException)
        {
            // End the partial answer's line, so that 'cancelled' or the error starts on a line of its own.
            Console.Out.WriteLine();
            throw;
        }

        Console.Out.WriteLine();
        var response = updates.ToChatResponse();
        Terminal.Error.MarkupLine("[grey]" + Markup.Escape(Summary(selection, response)) + "[/]");
        return text.ToString();
    }

    private static string Summary(Selection selection, ChatResponse response)
    {
        var parts = new List<string> { $"{selection.Backend}", response.ModelId ?? selection.ModelId };
        if (response.Usage is { } usage)
        {
            parts.Add($"{usage.InputTokenCount ?? 0} in / {usage.OutputTokenCount ?? 0} out tokens");
        }

        return string.Join(" · ", parts);
    }

    private static JsonObject ToJson(Selection selection, ChatResponse response)
    {
        var result = new JsonObject
        {
            ["backend"] = selection.Backend,
            ["model"] = response.ModelId ?? selection.ModelId,
            ["text"] = response.Text,
            ["finishReason"] = response.FinishReason?.Value,
        };
        if (response.Usage is { } usage)
        {
            result["usage"] = new JsonObject
            {
                ["inputTokens"] = usage.InputTokenCount,
                ["outputTokens"] = usage.OutputTokenCount,
                ["totalTokens"] = usage.TotalTokenCount,
            };
        }

        return result;
    }

    /// <summary>The provider a request goes to (its display name) and the model it receives.</summary>
    private sealed record Selection(string Backend, string ModelId);
}
