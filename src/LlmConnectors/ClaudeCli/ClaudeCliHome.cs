namespace LlmConnectors.ClaudeCli;

/// <summary>
/// The private directory of one CLI process: its configuration directory (<c>CLAUDE_CONFIG_DIR</c>) and, unless the host set
/// <see cref="ClaudeCliOptions.WorkingDirectory"/>, its working directory. Removed when the process ends.
/// </summary>
/// <remarks>
/// The pinned CLI writes into its configuration directory on every run (<c>.claude.json</c>, <c>backups/</c>, <c>plugins/</c>), and
/// <c>/config</c> would write <c>settings.json</c> there. A private directory keeps all of that away from the operator's
/// (<see cref="ClaudeCliOptions.ConfigDirectory"/>) and from the next request. The only thing shared is the login: the operator's
/// <c>.credentials.json</c>, linked (not copied) so that a token the operator's own <c>claude</c> refreshes is seen at once. Settings,
/// memory (<c>CLAUDE.md</c>), projects, history and MCP servers of the operator are not visible to the process.
/// </remarks>
internal sealed class ClaudeCliHome
{
    private const string CredentialsFileName = ".credentials.json";

    private ClaudeCliHome(string root, string configDirectory, string workingDirectory)
    {
        Root = root;
        ConfigDirectory = configDirectory;
        WorkingDirectory = workingDirectory;
    }

    /// <summary>Gets the private directory that holds everything else; removed by <see cref="Delete"/>.</summary>
    public string Root { get; }

    /// <summary>Gets the private configuration directory, passed as <c>CLAUDE_CONFIG_DIR</c>.</summary>
    public string ConfigDirectory { get; }

    /// <summary>Gets the working directory: the host's, or an empty private one.</summary>
    public string WorkingDirectory { get; }

    /// <summary>Creates the private directories (owner-only) and links the operator's credentials, if there are any.</summary>
    /// <param name="options">The settings: <see cref="ClaudeCliOptions.ConfigDirectory"/> and <see cref="ClaudeCliOptions.WorkingDirectory"/>.</param>
    /// <returns>The created home.</returns>
    public static ClaudeCliHome Create(ClaudeCliOptions options)
    {
        var root = Directory.CreateTempSubdirectory("llmc-claude-").FullName;
        try
        {
            var config = Directory.CreateDirectory(Path.Combine(root, "config")).FullName;
            var work = options.WorkingDirectory is { Length: > 0 } host ? host : Directory.CreateDirectory(Path.Combine(root, "work")).FullName;
            var credentials = Path.Combine(OperatorConfigDirectory(options), CredentialsFileName);
            if (File.Exists(credentials))
            {
                _ = File.CreateSymbolicLink(Path.Combine(config, CredentialsFileName), credentials);
            }

            return new ClaudeCliHome(root, config, work);
        }
        catch
        {
            TryDelete(root);
            throw;
        }
    }

    /// <summary>
    /// Finds the operator's configuration directory, where <c>claude auth login</c> keeps the credentials:
    /// <see cref="ClaudeCliOptions.ConfigDirectory"/>, else <c>CLAUDE_CONFIG_DIR</c> from <see cref="ClaudeCliOptions.EnvironmentVariables"/>
    /// or this process's environment, else <c>~/.claude</c> (with <c>HOME</c> taken the same way).
    /// </summary>
    /// <param name="options">The settings.</param>
    /// <returns>The directory (it may not exist).</returns>
    public static string OperatorConfigDirectory(ClaudeCliOptions options)
    {
        if (options.ConfigDirectory is { Length: > 0 } configured)
        {
            return configured;
        }

        if (Variable(options, "CLAUDE_CONFIG_DIR") is { Length: > 0 } fromEnvironment)
        {
            return fromEnvironment;
        }

        var home = Variable(options, "HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(home, ".claude");
    }

    /// <summary>Removes the private directory (the host's working directory is left alone); failures are ignored.</summary>
    public void Delete() => TryDelete(Root);

    private static string? Variable(ClaudeCliOptions options, string name) =>
        options.EnvironmentVariables.TryGetValue(name, out var value) ? value : Environment.GetEnvironmentVariable(name);

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
