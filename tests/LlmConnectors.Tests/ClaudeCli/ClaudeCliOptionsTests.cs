using LlmConnectors.ClaudeCli;

namespace LlmConnectors.Tests.ClaudeCli;

public sealed class ClaudeCliOptionsTests
{
    [Fact]
    public void Validate_Defaults_AreValidAndSafe()
    {
        var options = new ClaudeCliOptions();

        Assert.Empty(options.Validate());
        Assert.Equal("claude", options.ExecutablePath);
        Assert.Empty(options.AllowedTools);
        Assert.Equal(0, options.WarmPoolSize);
        Assert.Equal(1, options.MaxTurns);
    }

    [Theory]
    [InlineData(nameof(ClaudeCliOptions.MaxConcurrency), "ClaudeCli:MaxConcurrency is 0")]
    [InlineData(nameof(ClaudeCliOptions.WarmPoolSize), "ClaudeCli:WarmPoolSize is 9")]
    [InlineData(nameof(ClaudeCliOptions.MaxQueueLength), "ClaudeCli:MaxQueueLength is -1")]
    [InlineData(nameof(ClaudeCliOptions.RequestTimeout), "ClaudeCli:RequestTimeout is 00:00:00")]
    [InlineData(nameof(ClaudeCliOptions.ExecutablePath), "ClaudeCli:ExecutablePath is empty")]
    public void Validate_OutOfRange_NamesTheSetting(string setting, string expected)
    {
        var options = new ClaudeCliOptions();
        switch (setting)
        {
            case nameof(ClaudeCliOptions.MaxConcurrency): options.MaxConcurrency = 0; options.WarmPoolSize = 0; break;
            case nameof(ClaudeCliOptions.WarmPoolSize): options.WarmPoolSize = 9; break;
            case nameof(ClaudeCliOptions.MaxQueueLength): options.MaxQueueLength = -1; break;
            case nameof(ClaudeCliOptions.RequestTimeout): options.RequestTimeout = TimeSpan.Zero; break;
            default: options.ExecutablePath = " "; break;
        }

        Assert.Contains(options.Validate(), m => m.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void BuildArguments_Defaults_DisableToolsAndNeverCarryThePrompt()
    {
        var arguments = ClaudeCliProcess.BuildArguments(new ClaudeCliOptions(), startModel: null);

        Assert.Equal(
            ["-p", "--input-format", "stream-json", "--output-format", "stream-json", "--verbose", "--include-partial-messages", "--no-session-persistence", "--max-turns", "1", "--tools", "",
                "--setting-sources", "", "--strict-mcp-config", "--disable-slash-commands", "--system-prompt", ""],
            arguments);
    }

    [Fact]
    public void BuildArguments_HostSystemPromptArgument_IsNotOverridden()
    {
        var options = new ClaudeCliOptions();
        options.AdditionalArguments.Add("--system-prompt-file");
        options.AdditionalArguments.Add("/etc/prompt.txt");

        var arguments = ClaudeCliProcess.BuildArguments(options, options.ModelId);

        Assert.Single(arguments, a => a.StartsWith("--system-prompt", StringComparison.Ordinal));
        Assert.Equal(["--system-prompt-file", "/etc/prompt.txt"], arguments.TakeLast(2));
    }

    [Theory]
    [InlineData("sonnet", true)]
    [InlineData("claude-sonnet-4-5-20250929", true)]
    [InlineData("us.anthropic.claude-opus-4-1-20250805-v1:0", true)]
    [InlineData("claude-opus-4-6[1m]", true)]
    [InlineData("--dangerously-skip-permissions", false)]
    [InlineData("-p", false)]
    [InlineData("sonnet --tools Bash", false)]
    [InlineData("sonnet\n", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void BuildArguments_StartModel_OnlyAModelNameGoesOnTheCommandLine(string? model, bool expected)
    {
        var arguments = ClaudeCliProcess.BuildArguments(new ClaudeCliOptions(), model);

        Assert.Equal(expected, arguments.Contains("--model"));
        if (expected)
        {
            Assert.Equal(model, arguments[arguments.ToList().IndexOf("--model") + 1]);
        }
    }

    [Fact]
    public void BuildArguments_HostSettings_AddModelToolsPermissionModeAndExtras()
    {
        var options = new ClaudeCliOptions { ModelId = "sonnet", PermissionMode = "dontAsk", MaxTurns = 3 };
        options.AllowedTools.Add("Read");
        options.AllowedTools.Add("Grep");
        options.AdditionalArguments.Add("--effort");
        options.AdditionalArguments.Add("low");

        var arguments = ClaudeCliProcess.BuildArguments(options, options.ModelId);

        Assert.Equal("Read,Grep", arguments[arguments.ToList().IndexOf("--tools") + 1]);
        Assert.Equal("Read,Grep", arguments[arguments.ToList().IndexOf("--allowedTools") + 1]);
        Assert.Equal("sonnet", arguments[arguments.ToList().IndexOf("--model") + 1]);
        Assert.Equal("dontAsk", arguments[arguments.ToList().IndexOf("--permission-mode") + 1]);
        Assert.Equal("3", arguments[arguments.ToList().IndexOf("--max-turns") + 1]);
        Assert.Equal(["--effort", "low"], arguments.TakeLast(2));
    }
}
