using LlmConnectors.ClaudeCli;

namespace LlmConnectors.Tests.ClaudeCli;

public sealed class ClaudeCliHomeTests
{
    [Fact]
    public void Create_OperatorHasCredentials_LinksOnlyThemIntoAPrivateConfigDirectoryRemovedByDelete()
    {
        var operatorDirectory = Directory.CreateTempSubdirectory("llmc-operator-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(operatorDirectory, ".credentials.json"), "{}");
            File.WriteAllText(Path.Combine(operatorDirectory, "settings.json"), """{"language":"Pirate"}""");
            var home = ClaudeCliHome.Create(new ClaudeCliOptions { ConfigDirectory = operatorDirectory });

            var entries = Directory.GetFileSystemEntries(home.ConfigDirectory);
            var link = new FileInfo(Assert.Single(entries));
            Assert.Equal(".credentials.json", link.Name);
            Assert.Equal(Path.Combine(operatorDirectory, ".credentials.json"), link.LinkTarget);
            Assert.Empty(Directory.GetFileSystemEntries(home.WorkingDirectory));
            Assert.StartsWith(home.Root, home.WorkingDirectory, StringComparison.Ordinal);
            Assert.False(OperatingSystem.IsWindows(), "Owner-only directories are checked on Linux and macOS.");
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(home.Root));
            }

            home.Delete();

            Assert.False(Directory.Exists(home.Root));
            Assert.True(File.Exists(Path.Combine(operatorDirectory, ".credentials.json")));
        }
        finally
        {
            Directory.Delete(operatorDirectory, recursive: true);
        }
    }

    [Fact]
    public void Create_NoCredentialsAndAHostWorkingDirectory_LinksNothingAndLeavesTheHostDirectoryOnDelete()
    {
        var work = Directory.CreateTempSubdirectory("llmc-work-").FullName;
        try
        {
            var home = ClaudeCliHome.Create(new ClaudeCliOptions { ConfigDirectory = Path.Combine(work, "no-such-config"), WorkingDirectory = work });

            Assert.Empty(Directory.GetFileSystemEntries(home.ConfigDirectory));
            Assert.Equal(work, home.WorkingDirectory);
            home.Delete();

            Assert.True(Directory.Exists(work));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public void OperatorConfigDirectory_NotConfigured_FollowsClaudeConfigDirThenHome()
    {
        var options = new ClaudeCliOptions();
        options.EnvironmentVariables["CLAUDE_CONFIG_DIR"] = "/srv/claude-config";
        Assert.Equal("/srv/claude-config", ClaudeCliHome.OperatorConfigDirectory(options));

        options.EnvironmentVariables.Remove("CLAUDE_CONFIG_DIR");
        options.EnvironmentVariables["CLAUDE_CONFIG_DIR"] = null;
        options.EnvironmentVariables["HOME"] = "/home/operator";
        Assert.Equal("/home/operator/.claude", ClaudeCliHome.OperatorConfigDirectory(options));

        options.ConfigDirectory = "/etc/claude";
        Assert.Equal("/etc/claude", ClaudeCliHome.OperatorConfigDirectory(options));
    }
}
