using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlmConnectors.Tests.Json;

/// <summary>
/// Runs <see cref="JsonSchemaValidator"/> over test data in the format of the official JSON-Schema-Test-Suite: the suite's
/// own draft 7 required tests, as Debian's <c>json-schema-test-suite</c> package installs them; the suite's own draft 2020-12
/// required tests, as Debian's <c>libtest-json-schema-acceptance-perl</c> package installs them (the Perl module
/// Test::JSON::Schema::Acceptance bundles the suite at commit 47958f8, MIT; Debian's json-schema-test-suite 2.0.0 predates
/// draft 2020-12); and draft 2020-12 cases for the keywords the pack's old validator got wrong, written for this repository
/// (Json/SchemaTestData/draft2020-12).
/// </summary>
public sealed class JsonSchemaTestSuiteTests
{
    private const string Draft7Folder = "/usr/share/json-schema-test-suite/tests/draft7";
    private const string MissingSuite = "(the JSON-Schema-Test-Suite is not installed)";

    /// <summary>Draft 7 required files that are not run, each with the reason.</summary>
    private static readonly Dictionary<string, string> ExcludedDraft7Files = new(StringComparer.Ordinal)
    {
        ["refRemote.json"] = "every case refers to schemas the suite serves from http://localhost:1234 (its remotes folder over HTTP); the validator downloads nothing, by design",
    };

    private const string OfficialDraft202012Folder = "/usr/share/perl5/auto/share/dist/Test-JSON-Schema-Acceptance/tests/draft2020-12";
    private const string InstallOfficialDraft202012 = "install it: apt-get install libtest-json-schema-acceptance-perl";

    /// <summary>Draft 2020-12 required files that are not run, each with the reason.</summary>
    private static readonly Dictionary<string, string> ExcludedDraft202012Files = new(StringComparer.Ordinal)
    {
        ["refRemote.json"] = "every case refers to schemas the suite serves from http://localhost:1234 (its remotes folder over HTTP); the validator downloads nothing, by design",
    };

    /// <summary>
    /// Draft 2020-12 groups in other files that are not run: each refers to a document of the suite's remotes folder (a
    /// <c>$ref</c> to <c>extendible-dynamic-ref.json</c> or <c>tree.json</c>, a custom meta-schema as <c>$schema</c>), which the
    /// suite serves from http://localhost:1234. The validator downloads nothing and reads only the standard drafts, by design.
    /// </summary>
    private static readonly HashSet<(string File, int Group)> RemoteDraft202012Groups =
    [
        ("dynamicRef.json", 13), ("dynamicRef.json", 14), ("dynamicRef.json", 15), ("dynamicRef.json", 16),
        ("vocabulary.json", 0), ("vocabulary.json", 1),
    ];

    private static readonly string Draft202012Folder = Path.Combine(AppContext.BaseDirectory, "Json", "SchemaTestData", "draft2020-12");

    private static readonly ConcurrentDictionary<string, JsonArray> Files = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<(string File, int Group), JsonSchemaValidator> Validators = new();

    public static TheoryData<string, int, int, string> Draft7Cases() =>
        Directory.Exists(Draft7Folder)
            ? Cases(Draft7Folder, file => !ExcludedDraft7Files.ContainsKey(Path.GetFileName(file)))
            : new TheoryData<string, int, int, string> { { MissingSuite, 0, 0, "install it: apt-get install json-schema-test-suite" } };

    public static TheoryData<string, int, int, string> Draft202012Cases() => Cases(Draft202012Folder, _ => true);

    public static TheoryData<string, int, int, string> OfficialDraft202012Cases() =>
        Directory.Exists(OfficialDraft202012Folder)
            ? Cases(
                OfficialDraft202012Folder,
                file => !ExcludedDraft202012Files.ContainsKey(Path.GetFileName(file)),
                (file, group) => !RemoteDraft202012Groups.Contains((file, group)))
            : new TheoryData<string, int, int, string> { { MissingSuite, 0, 0, InstallOfficialDraft202012 } };

    [Theory]
    [MemberData(nameof(Draft7Cases))]
    public void Draft7_RequiredCase_MatchesTheSuite(string file, int group, int test, string description)
    {
        Assert.True(
            file != MissingSuite,
            $"The official JSON-Schema-Test-Suite is not in {Draft7Folder}: install it: apt-get install json-schema-test-suite");

        RunCase(Path.Combine(Draft7Folder, file), group, test, description, draft7: true);
    }

    [Theory]
    [MemberData(nameof(Draft202012Cases))]
    public void Draft202012_Case_MatchesTheExpectedResult(string file, int group, int test, string description) =>
        RunCase(Path.Combine(Draft202012Folder, file), group, test, description, draft7: false);

    [Theory]
    [MemberData(nameof(OfficialDraft202012Cases))]
    public void OfficialDraft202012_RequiredCase_MatchesTheSuite(string file, int group, int test, string description)
    {
        Assert.True(file != MissingSuite, $"The official draft 2020-12 tests are not in {OfficialDraft202012Folder}: {InstallOfficialDraft202012}");

        RunCase(Path.Combine(OfficialDraft202012Folder, file), group, test, description, draft7: false);
    }

    [Fact]
    public void OfficialDraft202012_Suite_IsInstalledAndEveryExcludedFileExists()
    {
        Assert.True(Directory.Exists(OfficialDraft202012Folder), $"The official draft 2020-12 tests are not in {OfficialDraft202012Folder}: {InstallOfficialDraft202012}");

        foreach (var excluded in ExcludedDraft202012Files.Keys)
        {
            Assert.True(File.Exists(Path.Combine(OfficialDraft202012Folder, excluded)), $"{excluded} is excluded but no longer in the suite: remove it from the exclusions.");
        }

        foreach (var (file, group) in RemoteDraft202012Groups)
        {
            var schema = Load(Path.Combine(OfficialDraft202012Folder, file))[group]!["schema"]!.ToJsonString();
            Assert.True(schema.Contains("http://localhost:1234/", StringComparison.Ordinal), $"{file} group {group} is excluded as remote but refers to no remote document: run it.");
        }

        Assert.True(OfficialDraft202012Cases().Count >= 1100, "Fewer draft 2020-12 cases than the suite snapshot holds (1,176 with refRemote.json): check the folder.");
    }

    [Fact]
    public void Draft7_Suite_IsInstalledAndEveryExcludedFileExists()
    {
        Assert.True(Directory.Exists(Draft7Folder), $"The official JSON-Schema-Test-Suite is not in {Draft7Folder}: install it: apt-get install json-schema-test-suite");

        foreach (var excluded in ExcludedDraft7Files.Keys)
        {
            Assert.True(File.Exists(Path.Combine(Draft7Folder, excluded)), $"{excluded} is excluded but no longer in the suite: remove it from the exclusions.");
        }

        Assert.True(Draft7Cases().Count >= 400, "Fewer draft 7 cases than the suite's 2.0.0 release holds (408 without refRemote.json): check the folder.");
    }

    [Fact]
    public void Draft202012_Data_CoversTheKeywordsTheOldValidatorGotWrong()
    {
        var text = string.Concat(Directory.GetFiles(Draft202012Folder, "*.json").Select(File.ReadAllText));

        foreach (var keyword in new[]
        {
            "\"contains\"", "\"minContains\"", "\"maxContains\"", "\"dependentRequired\"", "\"dependentSchemas\"", "\"propertyNames\"",
            "\"unevaluatedItems\"", "\"unevaluatedProperties\"", "\"prefixItems\"", "\"$anchor\"", "\"$defs\"", "\"$ref\"",
            "\"$dynamicRef\"", "\"pattern\"",
        })
        {
            Assert.Contains(keyword, text, StringComparison.Ordinal);
        }
    }

    private static TheoryData<string, int, int, string> Cases(string folder, Func<string, bool> include, Func<string, int, bool>? includeGroup = null)
    {
        var data = new TheoryData<string, int, int, string>();
        foreach (var path in Directory.GetFiles(folder, "*.json").Where(include).Order(StringComparer.Ordinal))
        {
            var groups = Load(path);
            for (var g = 0; g < groups.Count; g++)
            {
                if (includeGroup is not null && !includeGroup(Path.GetFileName(path), g))
                {
                    continue;
                }

                var tests = groups[g]!["tests"]!.AsArray();
                for (var t = 0; t < tests.Count; t++)
                {
                    data.Add(Path.GetFileName(path), g, t, $"{groups[g]!["description"]} / {tests[t]!["description"]}");
                }
            }
        }

        return data;
    }

    private static void RunCase(string path, int group, int test, string description, bool draft7)
    {
        var groupNode = Load(path)[group]!;
        var testNode = groupNode["tests"]![test]!;
        var validator = Validators.GetOrAdd((path, group), _ => new JsonSchemaValidator(SchemaOf(groupNode["schema"]!, draft7)));
        var instance = JsonSerializer.SerializeToElement(testNode["data"]);
        var expected = testNode["valid"]!.GetValue<bool>();

        var errors = validator.Validate(instance);

        Assert.True(
            expected == (errors.Count == 0),
            $"{Path.GetFileName(path)}: {description}: expected {(expected ? "valid" : "invalid")}, got {(errors.Count == 0 ? "valid" : string.Join("; ", errors))}");
        Assert.Equal(expected, validator.IsValid(instance));
    }

    // The suite's draft 7 schemas carry no "$schema"; the validator reads such schemas as 2020-12, so name the draft.
    private static JsonElement SchemaOf(JsonNode schema, bool draft7)
    {
        if (draft7 && schema is JsonObject obj && !obj.ContainsKey("$schema"))
        {
            var copy = new JsonObject { ["$schema"] = "http://json-schema.org/draft-07/schema#" };
            foreach (var (name, value) in obj)
            {
                copy[name] = value?.DeepClone();
            }

            schema = copy;
        }

        return JsonSerializer.SerializeToElement(schema);
    }

    private static JsonArray Load(string path) => Files.GetOrAdd(path, static p => JsonNode.Parse(File.ReadAllText(p))!.AsArray());
}
