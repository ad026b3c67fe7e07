// QuickStart: one pipeline over whichever backend is configured.
//   OpenRouter:      OPENROUTER_API_KEY (and optionally OPENROUTER_MODEL, OPENROUTER_BASE_URL)
//   Claude proxy:    CLAUDE_PROXY_URL (and CLAUDE_PROXY_API_KEY when the proxy has a key)
//   Claude Code CLI: claude on PATH, or CLAUDE_CLI_PATH
// With nothing configured it prints what to set and exits with code 3.
using LlmConnectors;
using Microsoft.Extensions.AI;

const int NotConfigured = 3;

var backend = QuickStartBackends.FromEnvironment();
if (backend is null)
{
    Console.WriteLine("""
        QuickStart needs one backend. Set any one of these, then run it again:

          OpenRouter (300+ models, one key):
            export OPENROUTER_API_KEY=sk-or-...        # create one at https://openrouter.ai/keys
            export OPENROUTER_MODEL=openai/gpt-4o-mini  # optional

          The Claude Code CLI on this machine (your Claude subscription or API key):
            npm install -g @anthropic-ai/claude-code && claude    # log in once with /login
            export CLAUDE_CLI_PATH=/path/to/claude                 # only if claude is not on PATH

          A running Claude proxy (dotnet run --project src/LlmConnectors.ClaudeProxy, or llmc serve):
            export CLAUDE_PROXY_URL=http://127.0.0.1:3010

        'llmc doctor' checks all of this for you.
        """);
    return NotConfigured;
}

Console.WriteLine($"Backend: {backend.Description}");

// The pipeline: a non-empty answer is required; an empty one is asked again (up to 3 attempts).
using IChatClient client = backend.Client
    .AsBuilder()
    .UseRetryWithValidation([ChatResponseValidators.NotEmpty()], configure: retry => retry.MaxAttempts = 3)
    .Build();

List<ChatMessage> messages =
[
    new(ChatRole.System, "You answer in one short sentence."),
    new(ChatRole.User, "What is Microsoft.Extensions.AI's IChatClient?"),
];

// Streaming: tokens appear as they arrive.
Console.Write("Answer (streamed): ");
List<ChatResponseUpdate> updates = [];
await foreach (var update in client.GetStreamingResponseAsync(messages))
{
    Console.Write(update.Text);
    updates.Add(update);
}

Console.WriteLine();
var response = updates.ToChatResponse();
Console.WriteLine($"Model: {response.ModelId ?? backend.ModelId}");
Console.WriteLine($"Tokens: {response.Usage?.InputTokenCount ?? 0} in, {response.Usage?.OutputTokenCount ?? 0} out");
return 0;
