using Spectre.Console;

namespace LlmConnectors.Cli.Output;

/// <summary>
/// The two consoles of <c>llmc</c>: answers and tables go to stdout, progress and diagnostics to stderr, so that
/// <c>llmc chat ... &gt; answer.txt</c> and <c>llmc models --json | jq</c> get only the data. Redirected output gets
/// no colours and no line wrapping (errors are written as single lines).
/// </summary>
internal static class Terminal
{
    public static IAnsiConsole Out { get; } = Create(Console.Out, Console.IsOutputRedirected);

    public static IAnsiConsole Error { get; } = Create(Console.Error, Console.IsErrorRedirected);

    /// <summary>Gets a value indicating whether a spinner on stderr would be seen by a person (not redirected to a file or pipe).</summary>
    public static bool CanAnimate => !Console.IsErrorRedirected && Error.Profile.Capabilities.Interactive;

    /// <summary>Writes an error on stderr: in red on a terminal; as one plain, unwrapped line when stderr is redirected.</summary>
    public static void WriteError(string message)
    {
        if (Console.IsErrorRedirected)
        {
            Console.Error.WriteLine("error: " + message);
            return;
        }

        Error.MarkupLine("[red]error:[/] " + Markup.Escape(message));
    }

    private static IAnsiConsole Create(TextWriter writer, bool redirected)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = redirected ? InteractionSupport.No : InteractionSupport.Detect,
        });
        if (redirected)
        {
            // No wrapping for files and pipes: one logical line stays one line (tables size to their content).
            console.Profile.Width = 4096;
        }

        return console;
    }
}
