namespace LlmConnectors.IntegrationTests.Samples;

/// <summary>Where things are in the repository the tests run from.</summary>
internal static class RepositoryLayout
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    /// <summary>Gets the directory holding LlmConnectors.sln.</summary>
    public static string Root => LazyRoot.Value;

    /// <summary>Gets the build configuration this test assembly was built with (Debug or Release).</summary>
    public static string Configuration
    {
        get
        {
            // AppContext.BaseDirectory is .../bin/<Configuration>/<tfm>/
            var tfmDirectory = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            return tfmDirectory.Parent?.Name ?? "Debug";
        }
    }

    public static string LibraryProject => Path.Combine(Root, "src", "LlmConnectors", "LlmConnectors.csproj");

    public static string NotebooksDirectory => Path.Combine(Root, "notebooks");

    public static string SamplesDirectory => Path.Combine(Root, "samples");

    public static string ClaudeExecutable => Path.Combine(Root, "tools", "node", "node_modules", ".bin", "claude");

    /// <summary>Gets the built entry assembly of a project under <c>samples/</c> or <c>src/</c>.</summary>
    public static string BuiltAssembly(string projectDirectory, string assemblyName)
    {
        var path = Path.Combine(projectDirectory, "bin", Configuration, "net10.0", assemblyName + ".dll");
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"{path} does not exist. Build the solution first (dotnet build LlmConnectors.sln -c {Configuration}); "
                + "dotnet test LlmConnectors.sln builds it for you.");
        }

        return path;
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "LlmConnectors.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"LlmConnectors.sln was not found above {AppContext.BaseDirectory}; run the tests from a clone of the repository.");
    }
}
