using System.CommandLine;
using LlmConnectors.Cli;
using LlmConnectors.Cli.Commands;
using LlmConnectors.Cli.Output;
using Spectre.Console;

var root = new RootCommand(
    "llmc: chat with any configured provider (OpenAI, Anthropic, Gemini, Vertex AI, OpenRouter, the Claude Code CLI, the Claude proxy), "
    + "list their models, show and validate the configuration, serve the Claude proxy, diagnose the setup." + Environment.NewLine
    + "Providers are detected as the library's AddLlmConnectors does: from environment variables (OPENAI_API_KEY, ANTHROPIC_API_KEY, "
    + "GEMINI_API_KEY, GOOGLE_APPLICATION_CREDENTIALS, OPENROUTER_API_KEY, CLAUDE_PROXY_URL, claude on PATH), a JSON file (--config or LLMC_CONFIG), "
    + "and llmc's own variables OPENROUTER_BASE_URL, OPENROUTER_MODEL, CLAUDE_CLI_PATH, CLAUDE_MODEL, CLAUDE_PROXY_API_KEY." + Environment.NewLine
    + ExitCodes.HelpText)
{
    ChatCommand.Create(),
    ModelsCommand.Create(),
    ConfigCommand.Create(),
    ServeCommand.Create(),
    DoctorCommand.Create(),
};

// Run bare, llmc shows its help (the commands and the settings) instead of an error.
var parseResult = root.Parse(args.Length == 0 ? ["--help"] : args);
if (parseResult.Errors.Count > 0)
{
    foreach (var error in parseResult.Errors)
    {
        Terminal.WriteError(error.Message);
    }

    Terminal.Error.WriteLine("Run 'llmc --help' for the commands and options.");
    return ExitCodes.InvalidArguments;
}

try
{
    return await parseResult.InvokeAsync();
}
catch (OperationCanceledException)
{
    return ExitCodes.Cancelled;
}
