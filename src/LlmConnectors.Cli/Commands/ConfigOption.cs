using System.CommandLine;
using LlmConnectors.Cli.Backends;

namespace LlmConnectors.Cli.Commands;

/// <summary>The <c>--config</c> option of the commands that read the providers' configuration.</summary>
internal static class ConfigOption
{
    public static Option<string?> Create() => new("--config")
    {
        Description = "A JSON configuration file with the sections OpenAI, Anthropic, Gemini, VertexAI, OpenRouter, ClaudeCli, ClaudeProxy and "
            + $"LlmConnectors (values may be ${{VAR}} references). Default: {LlmcProviders.ConfigFileVariable}, else none: the environment only.",
    };
}
