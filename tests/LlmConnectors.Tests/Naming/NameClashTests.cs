using System.Reflection;
using Microsoft.Extensions.AI;

namespace LlmConnectors.Tests.Naming;

/// <summary>
/// No public type of the pack may share a simple name with a public type of the libraries it is used with: with both usings, a
/// clash is a compile error (CS0104) for every user (MEAI 10.11 ships FailoverChatClient; ASP.NET Core ships RouteOptions).
/// </summary>
public class NameClashTests
{
    private static readonly string[] PackageAssemblies =
    [
        "Microsoft.Extensions.AI",
        "Microsoft.Extensions.AI.Abstractions",
        "Microsoft.SemanticKernel.Abstractions",
        "Microsoft.SemanticKernel.Core",
        "Microsoft.SemanticKernel.Connectors.OpenAI",
        "Microsoft.SemanticKernel.Connectors.AzureOpenAI",
        "Microsoft.Agents.AI",
        "Microsoft.Agents.AI.Abstractions",
    ];

    [Fact]
    public void PublicTypes_ShareNoSimpleNameWithMeaiAspNetCoreSemanticKernelOrAgentFramework()
    {
        var theirs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var assembly in OtherAssemblies())
        {
            foreach (var type in assembly.GetExportedTypes().Where(t => !t.IsNested))
            {
                theirs.TryAdd(SimpleName(type), $"{type.FullName} ({assembly.GetName().Name} {assembly.GetName().Version})");
            }
        }

        var clashes = typeof(LlmFailoverChatClient).Assembly.GetExportedTypes()
            .Where(t => !t.IsNested && theirs.ContainsKey(SimpleName(t)))
            .Select(t => $"{t.FullName} clashes with {theirs[SimpleName(t)]}")
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.True(clashes.Count == 0, "Rename these public types (CS0104 for users with both usings):\n" + string.Join('\n', clashes));
    }

    [Fact]
    public void OtherAssemblies_CoverEveryLibraryNamedByTheRule()
    {
        var names = OtherAssemblies().Select(a => a.GetName()).ToList();

        Assert.Contains(names, n => n.Name == "Microsoft.Extensions.AI" && n.Version >= new Version(10, 11));
        Assert.Contains(names, n => n.Name == "Microsoft.SemanticKernel.Core" && n.Version >= new Version(1, 82));
        Assert.Contains(names, n => n.Name == "Microsoft.Agents.AI" && n.Version >= new Version(1, 28));
        Assert.Contains(names, n => n.Name == "Microsoft.AspNetCore.Routing");
        Assert.True(names.Count(n => n.Name!.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal)) > 50, "The ASP.NET Core shared framework was not found.");

        // MEAI 10.11.0 ships FailoverChatClient: the rule must see it.
        Assert.Contains(OtherAssemblies().SelectMany(a => a.GetExportedTypes()), t => t.Name == "FailoverChatClient");
    }

    private static IEnumerable<Assembly> OtherAssemblies()
    {
        foreach (var name in PackageAssemblies)
        {
            yield return Assembly.Load(name);
        }

        // Every assembly of the Microsoft.AspNetCore.App shared framework (it also carries Microsoft.Extensions.*).
        var sharedFramework = Path.GetDirectoryName(typeof(Microsoft.AspNetCore.Builder.WebApplication).Assembly.Location)!;
        foreach (var file in Directory.EnumerateFiles(sharedFramework, "*.dll").Order(StringComparer.Ordinal))
        {
            Assembly assembly;
            try
            {
                assembly = Assembly.Load(Path.GetFileNameWithoutExtension(file));
            }
            catch (BadImageFormatException)
            {
                continue; // a native library
            }

            yield return assembly;
        }
    }

    private static string SimpleName(Type type)
    {
        var tick = type.Name.IndexOf('`', StringComparison.Ordinal);
        return tick < 0 ? type.Name : type.Name[..tick];
    }
}
