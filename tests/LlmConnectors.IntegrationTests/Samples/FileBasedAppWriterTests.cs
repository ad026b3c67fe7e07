namespace LlmConnectors.IntegrationTests.Samples;

public sealed class FileBasedAppWriterTests
{
    private const string Project = "/repo/src/LlmConnectors/LlmConnectors.csproj";

    [Fact]
    public void Convert_NuGetReferences_BecomePackageDirectivesExceptTheLibrary()
    {
        var source = FileBasedAppWriter.Convert(
            Notebook(
                Code("#i \"nuget: ../artifacts/packages\"\n#r \"nuget: LlmConnectors, 0.1.0\"\n#r \"nuget: Microsoft.Extensions.Hosting, 10.0.14\"\n#!time\nConsole.WriteLine(1);")),
            Project);

        Assert.StartsWith($"#:project {Project}\n#:property PublishAot=false\n#:package Microsoft.Extensions.Hosting@10.0.14\n", source.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.DoesNotContain("LlmConnectors@", source, StringComparison.Ordinal);
        Assert.DoesNotContain("#!", source, StringComparison.Ordinal);
        Assert.DoesNotContain("#i", source, StringComparison.Ordinal);
        Assert.Contains("Console.WriteLine(1);", source, StringComparison.Ordinal);
    }

    [Fact]
    public void Convert_UsingsOfLaterCells_MoveToTheTopOnce()
    {
        var source = FileBasedAppWriter.Convert(
            Notebook(Code("using LlmConnectors;\nvar a = 1;"), Code("using System.Text;\nusing LlmConnectors;\nusing var stream = new MemoryStream();\nConsole.WriteLine(a);")),
            Project).ReplaceLineEndings("\n");

        var firstStatement = source.IndexOf("var a = 1;", StringComparison.Ordinal);
        Assert.True(source.IndexOf("using System.Text;", StringComparison.Ordinal) < firstStatement);
        Assert.Equal(source.IndexOf("using LlmConnectors;", StringComparison.Ordinal), source.LastIndexOf("using LlmConnectors;", StringComparison.Ordinal));

        // A using declaration is a statement and stays where it is.
        Assert.True(source.IndexOf("using var stream", StringComparison.Ordinal) > firstStatement);
    }

    [Fact]
    public void Convert_TypeDeclarationCells_MoveAfterTheStatements()
    {
        var source = FileBasedAppWriter.Convert(
            Notebook(Code("// The shape we want back.\npublic sealed record City(string Name, int Population);"), Code("Console.WriteLine(new City(\"Oslo\", 700000));")),
            Project);

        Assert.True(source.IndexOf("Console.WriteLine(new City", StringComparison.Ordinal) < source.IndexOf("public sealed record City", StringComparison.Ordinal));
    }

    [Fact]
    public void Convert_MarkdownAndOtherKernels_AreLeftOut()
    {
        var source = FileBasedAppWriter.Convert(
            Notebook(
                new NotebookCell("markdown", null, "Console.WriteLine(\"markdown\");"),
                new NotebookCell("code", "pwsh", "Write-Host hi"),
                Code("Console.WriteLine(\"csharp\");")),
            Project);

        Assert.DoesNotContain("markdown", source, StringComparison.Ordinal);
        Assert.DoesNotContain("Write-Host", source, StringComparison.Ordinal);
        Assert.Contains("Console.WriteLine(\"csharp\");", source, StringComparison.Ordinal);
    }

    [Fact]
    public void Convert_UnpinnedOrFileReference_FailsNamingTheCell()
    {
        var unpinned = Assert.Throws<InvalidDataException>(() => FileBasedAppWriter.Convert(Notebook(Code("#r \"nuget: Polly.Core\"")), Project));
        Assert.Contains("cell 1", unpinned.Message, StringComparison.Ordinal);
        Assert.Contains("pin a version", unpinned.Message, StringComparison.Ordinal);

        var dll = Assert.Throws<InvalidDataException>(() => FileBasedAppWriter.Convert(Notebook(Code("#r \"/tmp/x.dll\"")), Project));
        Assert.Contains("only pinned NuGet references", dll.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_PolyglotNotebook_ReadsKernelsFromBothMetadataShapesAndTheMarker()
    {
        var path = Path.Combine(Path.GetTempPath(), $"nb-{Guid.NewGuid():N}.ipynb");
        File.WriteAllText(path, """
            {
              "cells": [
                { "cell_type": "markdown", "metadata": {}, "source": ["# Title\n", "needs SK"] },
                { "cell_type": "code", "metadata": { "dotnet_interactive": { "language": "csharp" } }, "outputs": [], "source": ["var a = 1;\n", "Console.WriteLine(a);"] },
                { "cell_type": "code", "metadata": { "polyglot_notebook": { "kernelName": "csharp" } }, "outputs": [], "source": "Console.WriteLine(2);" },
                { "cell_type": "code", "metadata": { "polyglot_notebook": { "kernelName": "fsharp" } }, "outputs": [], "source": "printfn \"3\"" }
              ],
              "metadata": { "llmconnectors": { "requiresUnavailablePackages": ["Microsoft.SemanticKernel"] } },
              "nbformat": 4,
              "nbformat_minor": 5
            }
            """);
        try
        {
            var notebook = NotebookDocument.Load(path);

            Assert.Equal(["markdown", "code", "code", "code"], notebook.Cells.Select(c => c.CellType));
            Assert.Equal([false, true, true, false], notebook.Cells.Select(c => c.IsCSharpCode));
            Assert.Equal("var a = 1;\nConsole.WriteLine(a);", notebook.Cells[1].Source);
            Assert.Equal(["Microsoft.SemanticKernel"], notebook.RequiresUnavailablePackages);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task RunAsync_NotebookThatDoesNotCompile_FailsWithTheCompilerError()
    {
        var result = await FileBasedAppRunner.RunAsync(
            Notebook(Code("using LlmConnectors;\nConsole.WriteLine(typeof(ChatClientBuilder).Name);\nint x = \"not a number\";")),
            SampleBackends.NothingConfigured,
            TimeSpan.FromMinutes(4),
            TestContext.Current.CancellationToken);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("CS0029", result.StandardOutput + result.StandardError, StringComparison.Ordinal);
        Assert.Contains("the generated program is kept at", result.StandardError, StringComparison.Ordinal);
    }

    private static NotebookCell Code(string source) => new("code", "csharp", source);

    private static NotebookDocument Notebook(params NotebookCell[] cells) => NotebookDocument.Create("synthetic", cells);
}
