using System.CommandLine;
using LlmConnectors.Cli;
using LlmConnectors.Cli.Commands;
using LlmConnectors.Cli.Output;
using Spectre.Console;

var root = new RootCommand(
    "llmc: chat with OpenRouter or the Claude Code CLI, list OpenRouter models, serve the Claude proxy, diagnose the setup." + Environment.NewLine
    + "Settings come from environment variables: OPENROUTER_API_KEY, OPENROUTER_BASE_URL, OPENROUTER_MODEL, CLAUDE_CLI_PATH, CLAUDE_MODEL, "
    + "CLAUDE_PROXY_URL, CLAUDE_PROXY_API_KEY." + Environment.NewLine
    + ExitCodes.HelpText)
{
    ChatCommand.Create(),
    ModelsCommand.Create(),
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
