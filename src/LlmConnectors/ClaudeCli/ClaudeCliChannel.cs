using System.Text.Json;

namespace LlmConnectors.ClaudeCli;

/// <summary>
/// The channel rule, in one place: every byte of request content reaches the model as content and has no other effect.
/// </summary>
/// <remarks>
/// <para>
/// What the pinned CLI (2.1.330) does with the text of a stream-json user message, found by experiment against a scripted backend:
/// it expands <c>@path</c> (reads the file or lists the directory and sends that to the model, even with <c>--tools ""</c>, whether
/// the content is a string or an array of text blocks), runs slash commands (<c>/config</c> writes <c>settings.json</c>,
/// <c>/model</c> switches the model, <c>/cost</c>, <c>/context</c> and <c>/help</c> answer with the CLI's own text,
/// <c>/init</c> sends the CLI's prompt instead of the user's), in the last message and in history messages alike.
/// <c>--disable-slash-commands</c> stops the commands but then the text never reaches the model either ("/x isn't available in
/// this environment"); <c>--restricted</c> and <c>--safe-mode</c> still expand <c>@path</c> inside the working directory (and
/// <c>--restricted</c> lists an <c>@dir/</c> with the Bash tool); <c>--bare</c> stops the expansion but still runs slash commands,
/// and reads no OAuth credentials, so a subscription login stops working.
/// </para>
/// <para>
/// What works: the user message's <c>client_composed: true</c> field ("the client composed this turn from content the user did not
/// type; the CLI delivers its text as written, with no <c>@path</c> file-mention expansion and no slash-command dispatch", which also
/// skips the attachment pass: no nested <c>CLAUDE.md</c>, no skill listings, no reminders). With it, <c>@/etc/hostname</c>,
/// <c>/config language=Pirate</c>, <c>/model opus</c>, <c>!ls</c> and <c>/init</c> reach the model byte for byte, in every text
/// part and every history position. The start flags below switch off what the machine would otherwise add: settings, memory
/// (<c>CLAUDE.md</c>) and MCP servers of the user and the project, skills and commands. The process's configuration directory is
/// private (see <see cref="ClaudeCliHome"/>), so nothing a process does is seen by the next one or by the operator.
/// </para>
/// <para>
/// Only the host's <see cref="ClaudeCliOptions"/> can turn things on (<see cref="ClaudeCliOptions.AllowedTools"/>,
/// <see cref="ClaudeCliOptions.AdditionalArguments"/>); nothing in a request can.
/// </para>
/// </remarks>
internal static class ClaudeCliChannel
{
    /// <summary>Gets the start flags that keep the machine's settings, memory, MCP servers, skills and commands out of the process.</summary>
    public static IReadOnlyList<string> StartFlags { get; } =
    [
        // No user, project or local settings (hooks, env, permissions, language, apiKeyHelper) and no CLAUDE.md memory files.
        "--setting-sources", string.Empty,

        // No MCP servers but those the pack passes itself with --mcp-config.
        "--strict-mcp-config",

        // No skills, no custom or built-in commands, in case anything still parsed a leading '/'.
        "--disable-slash-commands",
    ];

    /// <summary>Marks a user message as content: delivered as written, no <c>@path</c> expansion, no slash command, no attachments.</summary>
    /// <param name="writer">The writer, inside the message object.</param>
    public static void MarkAsContent(Utf8JsonWriter writer) => writer.WriteBoolean("client_composed", true);
}
