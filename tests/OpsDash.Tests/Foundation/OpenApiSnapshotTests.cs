using System.Text.Json;
using System.Text.Json.Nodes;
using OpsDash.Host.Database;

namespace OpsDash.Tests.Foundation;

/// <summary>
/// The served /openapi/v1.json equals the committed snapshot, compared after normalising (object keys
/// sorted, whitespace ignored; array order kept). A change to the API shows up here as a reviewed diff.
/// After an intended change, regenerate it: <c>OPSDASH_UPDATE_OPENAPI_SNAPSHOT=1 dotnet test tests/OpsDash.Tests
/// -c Release --filter "FullyQualifiedName~OpenApiSnapshotTests"</c>, then commit the file.
/// </summary>
public sealed class OpenApiSnapshotTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    public const string UpdateVariable = "OPSDASH_UPDATE_OPENAPI_SNAPSHOT";

    private static readonly string SnapshotPath =
        Path.Combine(RepositoryRoot.Find(), "tests", "OpsDash.Tests", "Foundation", "openapi.snapshot.json");

    [Fact]
    public async Task Served_document_equals_the_committed_snapshot()
    {
        var served = Normalise(await factory.CreateClient().GetStringAsync("/openapi/v1.json"));
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            await File.WriteAllTextAsync(SnapshotPath, served);
        }

        Assert.True(File.Exists(SnapshotPath), $"no snapshot at {SnapshotPath}; create it with {UpdateVariable}=1");
        var committed = Normalise(await File.ReadAllTextAsync(SnapshotPath));
        var differences = Differences(Flatten(committed), Flatten(served));
        Assert.True(differences.Count == 0,
            $"/openapi/v1.json differs from {SnapshotPath} ({differences.Count} lines; - snapshot, + served); " +
            $"if intended, regenerate it with {UpdateVariable}=1:{Environment.NewLine}" +
            string.Join(Environment.NewLine, differences.Take(60)));
    }

    [Fact]
    public void Normalising_ignores_key_order_and_whitespace_but_not_values_or_array_order()
    {
        Assert.Equal(Normalise("""{"b":1,"a":{"d":[1,2],"c":"x"}}"""), Normalise("""{ "a": { "c": "x", "d": [1, 2] }, "b": 1 }"""));
        Assert.NotEqual(Normalise("""{"a":[1,2]}"""), Normalise("""{"a":[2,1]}"""));
        Assert.Equal(["- /a = 1", "+ /a = 2", "+ /b = true"], Differences(Flatten(Normalise("""{"a":1}""")), Flatten(Normalise("""{"a":2,"b":true}"""))));
    }

    /// <summary>The document with every object's keys in ordinal order, indented, ending with a newline.</summary>
    internal static string Normalise(string json) =>
        Sorted(JsonNode.Parse(json))!.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(Sorted)]),
        _ => node?.DeepClone(),
    };

    /// <summary>One line per leaf, "JSON pointer = value", so a difference names where it is.</summary>
    private static List<string> Flatten(string normalised)
    {
        var lines = new List<string>();
        Walk(JsonNode.Parse(normalised), string.Empty);
        return lines;

        void Walk(JsonNode? node, string pointer)
        {
            switch (node)
            {
                case JsonObject o when o.Count > 0:
                    foreach (var (key, value) in o)
                    {
                        Walk(value, $"{pointer}/{key.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)}");
                    }

                    break;
                case JsonArray a when a.Count > 0:
                    for (var i = 0; i < a.Count; i++)
                    {
                        Walk(a[i], $"{pointer}/{i}");
                    }

                    break;
                default:
                    lines.Add($"{pointer} = {node?.ToJsonString() ?? "null"}");
                    break;
            }
        }
    }

    private static List<string> Differences(List<string> snapshot, List<string> served)
    {
        var removed = snapshot.Except(served, StringComparer.Ordinal).Select(l => "- " + l);
        var added = served.Except(snapshot, StringComparer.Ordinal).Select(l => "+ " + l);
        return [.. removed.Concat(added)];
    }
}
