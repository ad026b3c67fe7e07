using System.CommandLine;

var root = new RootCommand("llmc: chat with OpenRouter or the Claude Code CLI, list models, serve the Claude proxy, diagnose the setup.");
return await root.Parse(args).InvokeAsync();
