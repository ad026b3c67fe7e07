using System.Reflection;
using System.Text.RegularExpressions;
using LlmConnectors.IntegrationTests.Samples;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace LlmConnectors.IntegrationTests.Readme;

/// <summary>
/// Compiles the complete programs of README.md: every <c>```csharp</c> block that starts with a <c>using</c> directive is a
/// whole program (top-level statements, types after them) and must compile, as a user pasting it into a new console app
/// with the LlmConnectors, Microsoft.Extensions.AI, Semantic Kernel and Agent Framework packages would compile it.
/// Fragments (blocks that do not start with <c>using</c>) continue a program shown before them and are not compiled alone.
/// </summary>
public sealed partial class ReadmeSnippetTests
{
    /// <summary>The global usings of a new console project (<c>ImplicitUsings</c>).</summary>
    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    private static readonly Lazy<IReadOnlyList<MetadataReference>> References = new(LoadReferences);

    public static TheoryData<int> Programs()
    {
        var data = new TheoryData<int>();
        foreach (var (line, _) in Snippets())
        {
            data.Add(line);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Programs))]
    public void ReadmeProgram_AtLine_Compiles(int line)
    {
        var source = Snippets().Single(s => s.Line == line).Source;
        var parseOptions = new CSharpParseOptions(LanguageVersion.Preview);
        var compilation = CSharpCompilation.Create(
            $"ReadmeLine{line}",
            [
                CSharpSyntaxTree.ParseText(source, parseOptions, cancellationToken: TestContext.Current.CancellationToken),
                CSharpSyntaxTree.ParseText(ImplicitUsings, parseOptions, cancellationToken: TestContext.Current.CancellationToken),
            ],
            References.Value,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));

        using var output = new MemoryStream();
        var result = compilation.Emit(output, cancellationToken: TestContext.Current.CancellationToken);

        var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToList();
        Assert.True(errors.Count == 0, $"The README.md program at line {line} does not compile:\n{string.Join('\n', errors)}\n---\n{source}");
    }

    [Fact]
    public void Readme_SemanticKernelSection_ShowsTheFunctionInvocationOneLinerInACompiledProgram()
    {
        var semanticKernel = Snippets().Where(s => s.Source.Contains("using Microsoft.SemanticKernel;", StringComparison.Ordinal)).ToList();

        Assert.Contains(semanticKernel, s => s.Source.Contains(".UseFunctionInvocation()", StringComparison.Ordinal)
            && s.Source.Contains("FunctionChoiceBehavior.Auto()", StringComparison.Ordinal));
        Assert.Contains(Snippets(), s => s.Source.Contains("using Microsoft.Agents.AI;", StringComparison.Ordinal));
    }

    [Fact]
    public void Readme_Links_AreAbsoluteOrAnchors()
    {
        // README.md is also the NuGet package's readme, where a repository-relative link does not resolve.
        var readme = File.ReadAllText(Path.Combine(RepositoryLayout.Root, "README.md"));

        var relative = RelativeLink().Matches(readme).Select(m => m.Value).ToList();

        Assert.True(relative.Count == 0, "Use absolute https:// links (or #anchors) in README.md: " + string.Join(", ", relative));
    }

    /// <summary>Gets the complete programs of README.md with the line their fence opens on.</summary>
    private static IEnumerable<(int Line, string Source)> Snippets()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryLayout.Root, "README.md")).ReplaceLineEndings("\n");
        foreach (Match match in CSharpBlock().Matches(readme))
        {
            var source = match.Groups["code"].Value;
            if (source.StartsWith("using ", StringComparison.Ordinal))
            {
                yield return (readme[..match.Index].Count(c => c == '\n') + 1, source);
            }
        }
    }

    private static IReadOnlyList<MetadataReference> LoadReferences()
    {
        // The framework, and the packages a user of the README adds (all referenced by this test project).
        Type[] packages =
        [
            typeof(OpenRouterChatClient),
            typeof(Microsoft.Extensions.AI.ChatClientBuilder),
            typeof(Microsoft.Extensions.AI.IChatClient),
            typeof(Microsoft.SemanticKernel.Kernel),
            typeof(Microsoft.SemanticKernel.KernelFunction),
            typeof(Microsoft.Agents.AI.ChatClientAgent),
            typeof(Microsoft.Agents.AI.AIAgent),
            typeof(Microsoft.Extensions.DependencyInjection.ServiceCollection),
            typeof(Microsoft.Extensions.DependencyInjection.IServiceCollection),
        ];
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator).ToHashSet(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll"))
        {
            paths.Add(file);
        }

        foreach (var type in packages)
        {
            paths.Add(type.Assembly.Location);
        }

        return [.. paths.Where(IsManagedAssembly).Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))];
    }

    private static bool IsManagedAssembly(string path)
    {
        try
        {
            AssemblyName.GetAssemblyName(path);
            return true;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"\]\((?!https?://|#|mailto:)[^)]+\)")]
    private static partial Regex RelativeLink();

    [GeneratedRegex("^```csharp\\n(?<code>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();
}
