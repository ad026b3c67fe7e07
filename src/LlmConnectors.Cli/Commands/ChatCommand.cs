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
            Description = "The model. Its prefix picks the backend: openrouter/... or vendor/model -> OpenRouter; max/... -> the proxy "
                + "when CLAUDE_PROXY_URL is set, else the CLI; cli/... -> the CLI; proxy/... -> the proxy; a bare name (sonnet) -> Claude.",
        };
        var backend = new Option<BackendKind?>("--backend", "-b")
        {
            Description = "Force the backend: OpenRouter, ClaudeCli or ClaudeProxy. Default: chosen from the model, else the first configured.",
        };
        var system = new Option<string?>("--system", "-s") { Description = "A system prompt." };
        var maxTokens = new Option<int?>("--max-tokens") { Description = "The maximum number of tokens to generate." };
        var temperature = new Option<float?>("--temperature", "-t") { Description = "The sampling temperature." };
        var json = new Option<bool>("--json") { Description = "Do not stream: print one JSON object {backend, model, text, finishReason, usage} for scripts." };

        var command = new Command("chat", "Chat with a model: the answer streams to stdout; progress and usage go to stderr.")
        {
            prompt, model, backend, system, maxTokens, temperature, json,
        };
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            parseResult.GetValue(prompt),
            parseResult.GetValue(model),
            parseResult.GetValue(backend),
            parseResult.GetValue(system),
            new ChatOptions { MaxOutputTokens = parseResult.GetValue(maxTokens), Temperature = parseResult.GetValue(temperature) },
            parseResult.GetValue(json),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(
        string? prompt, string? model, BackendKind? backend, string? system, ChatOptions options, bool json, CancellationToken cancellationToken)
    {
        var settings = LlmcSettings.FromEnvironment();
        if (settings.Problems.Count > 0)
        {
            foreach (var problem in settings.Problems)
            {
                Terminal.WriteError(problem);
            }

            return ExitCodes.SetupProblem;
        }

        var selection = BackendSelector.Select(model, backend, settings, () => ExecutableLocator.FindClaude(settings) is not null, out var selectionProblem);
        if (selection is null)
        {
            Terminal.WriteError(selectionProblem!);
            return ExitCodes.SetupProblem;
        }

        if (selection.Backend == BackendKind.OpenRouter && !settings.HasOpenRouterKey)
        {
            Terminal.WriteError($"The model '{selection.ModelId}' goes to OpenRouter, but {LlmcSettings.OpenRouterApiKeyVariable} is not set. "
                + "Create a key at https://openrouter.ai/keys and set it, or pick another backend with --backend.");
            return ExitCodes.SetupProblem;
        }

        if (selection.Backend == BackendKind.ClaudeProxy && settings.ClaudeProxyUrl is null)
        {
            Terminal.WriteError($"The model '{selection.ModelId}' goes to the Claude proxy, but {LlmcSettings.ClaudeProxyUrlVariable} is not set. "
                + "Start one with 'llmc serve' and set CLAUDE_PROXY_URL=http://127.0.0.1:3010.");
            return ExitCodes.SetupProblem;
        }

        if (selection.Backend == BackendKind.ClaudeCli && ExecutableLocator.FindClaude(settings) is null)
        {
            Terminal.WriteError("The Claude Code CLI was not found. Install it with 'npm install -g @anthropic-ai/claude-code', "
                + $"or set {LlmcSettings.ClaudeCliPathVariable} to its full path. Run 'llmc doctor' for details.");
            return ExitCodes.SetupProblem;
        }

        options.ModelId = selection.ModelId;
        using var client = ClientFactory.Create(selection, settings);
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

    private static void WriteFailure(BackendSelection selection, LlmConnectorException e) =>
        Terminal.WriteError($"{selection.Backend} failed ({e.Kind}{(e.StatusCode is { } status ? $", HTTP {(int)status}" : string.Empty)}): {e.Message}");

    private static async Task<string> StreamAsync(
        IChatClient client, List<ChatMessage> history, ChatOptions options, BackendSelection selection, CancellationToken cancellationToken)
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

    private static string Summary(BackendSelection selection, ChatResponse response)
    {
        var parts = new List<string> { $"{selection.Backend}", response.ModelId ?? selection.ModelId };
        if (response.Usage is { } usage)
        {
            parts.Add($"{usage.InputTokenCount ?? 0} in / {usage.OutputTokenCount ?? 0} out tokens");
        }

        return string.Join(" · ", parts);
    }

    private static JsonObject ToJson(BackendSelection selection, ChatResponse response)
    {
        var result = new JsonObject
        {
            ["backend"] = selection.Backend.ToString(),
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
}
