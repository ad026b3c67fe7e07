using System.Text;
using System.Text.RegularExpressions;

namespace LlmConnectors.IntegrationTests.Samples;

/// <summary>
/// Turns the C# cells of a notebook into one .NET 10 file-based app (<c>dotnet run app.cs</c>).
/// </summary>
/// <remarks>
/// Rules (the notebooks follow them, and the conversion fails loudly when they do not):
/// <list type="bullet">
/// <item><c>#r "nuget: Name, Version"</c> becomes <c>#:package Name@Version</c>, except for packages the
/// <c>#:project</c> reference to the library already brings (LlmConnectors itself), which are dropped.</item>
/// <item><c>#i</c> (package sources) and <c>#!</c> (magic commands) lines are dropped.</item>
/// <item><c>using</c> directives of every cell move to the top; cells that declare types (their first code line
/// starts a record, class, struct, enum or interface) move after all statements, since C# requires top-level
/// statements to come first.</item>
/// <item>All other cells run in order as one program, so a variable declared in one cell is visible in the next
/// (as in the notebook) and must not be declared twice.</item>
/// </list>
/// </remarks>
internal static partial class FileBasedAppWriter
{
    private static readonly HashSet<string> PackagesCoveredByProject = new(StringComparer.OrdinalIgnoreCase) { "LlmConnectors" };

    public static string Convert(NotebookDocument notebook, string libraryProjectPath)
    {
        var directives = new List<string>
        {
            $"#:project {libraryProjectPath}",
            "#:property PublishAot=false",
        };
        var usings = new List<string>();
        var statements = new StringBuilder();
        var declarations = new StringBuilder();

        var cellNumber = 0;
        foreach (var cell in notebook.Cells)
        {
            cellNumber++;
            if (!cell.IsCSharpCode)
            {
                continue;
            }

            var body = new StringBuilder();
            foreach (var rawLine in cell.Source.Split('\n'))
            {
                var line = rawLine.TrimEnd('\r');
                var trimmed = line.Trim();
                if (trimmed.StartsWith("#!", StringComparison.Ordinal) || trimmed.StartsWith("#i ", StringComparison.Ordinal))
                {
                    continue;
                }

                if (trimmed.StartsWith("#r ", StringComparison.Ordinal))
                {
                    var package = NuGetReference().Match(trimmed);
                    if (!package.Success)
                    {
                        throw new InvalidDataException(
                            $"{notebook.Name}, cell {cellNumber}: '{trimmed}' is not a '#r \"nuget: Name, Version\"' reference; "
                            + "the notebook checks support only pinned NuGet references.");
                    }

                    var name = package.Groups["name"].Value;
                    if (PackagesCoveredByProject.Contains(name))
                    {
                        continue;
                    }

                    if (!package.Groups["version"].Success)
                    {
                        throw new InvalidDataException($"{notebook.Name}, cell {cellNumber}: pin a version for '{name}' ('#r \"nuget: {name}, 1.2.3\"').");
                    }

                    directives.Add($"#:package {name}@{package.Groups["version"].Value}");
                    continue;
                }

                if (UsingDirective().IsMatch(line))
                {
                    if (!usings.Contains(trimmed))
                    {
                        usings.Add(trimmed);
                    }

                    continue;
                }

                body.AppendLine(line);
            }

            var target = DeclaresTypes(body.ToString()) ? declarations : statements;
            target.AppendLine($"// ---- cell {cellNumber} ----");
            target.Append(body);
            target.AppendLine();
        }

        var program = new StringBuilder();
        foreach (var directive in directives.Distinct())
        {
            program.AppendLine(directive);
        }

        program.AppendLine();
        foreach (var directive in usings)
        {
            program.AppendLine(directive);
        }

        program.AppendLine();
        program.Append(statements);
        program.Append(declarations);
        return program.ToString();
    }

    private static bool DeclaresTypes(string code)
    {
        foreach (var rawLine in code.Split('\n'))
        {
            var line = rawLine.Trim();
            if (line.Length == 0 || line.StartsWith("//", StringComparison.Ordinal) || line.StartsWith('[') || line.StartsWith("///", StringComparison.Ordinal))
            {
                continue;
            }

            return TypeDeclaration().IsMatch(line);
        }

        return false;
    }

    [GeneratedRegex("""^#r\s+"nuget:\s*(?<name>[A-Za-z0-9_.\-]+)\s*(,\s*(?<version>[^"\s]+))?\s*"\s*$""")]
    private static partial Regex NuGetReference();

    [GeneratedRegex(@"^\s*(global\s+)?using\s+(static\s+)?[A-Za-z_][\w.]*(\s*=\s*[\w.<>, ]+)?\s*;\s*$")]
    private static partial Regex UsingDirective();

    [GeneratedRegex(@"^((public|internal|sealed|static|abstract|partial|readonly|file)\s+)*(record|class|struct|enum|interface)\b")]
    private static partial Regex TypeDeclaration();
}
