using System.Diagnostics;
using System.Text.RegularExpressions;

namespace LlmConnectors.Cli.Doctor;

/// <summary>Asks the Claude Code CLI for its version (<c>claude --version</c>), without a shell and without spending tokens.</summary>
internal static partial class ClaudeCliProbe
{
    public static async Task<(string? Version, string? Error)> GetVersionAsync(string executable, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add("--version");
        startInfo.Environment["CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"] = "1";

        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (null, $"could not start {executable}: {e.Message}");
        }

        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (null, $"{executable} --version did not answer within 20 s");
        }

        var text = (await output).Trim();
        if (process.ExitCode != 0)
        {
            var stderr = (await error).Trim();
            return (null, $"{executable} --version exited with {process.ExitCode}: {LastLine(stderr.Length > 0 ? stderr : text)}");
        }

        var match = VersionPattern().Match(text);
        return match.Success ? (match.Value, null) : (null, $"{executable} --version printed '{LastLine(text)}', not a version");
    }

    private static string LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "(nothing)";

    [GeneratedRegex(@"\d+\.\d+\.\d+")]
    private static partial Regex VersionPattern();
}
