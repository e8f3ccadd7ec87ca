using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using OpsDash.Host.Database;

namespace OpsDash.Tests.Architecture;

/// <summary>
/// The module rules of docs/adr/0007-module-boundaries.md, as data and pure checks, so
/// ModuleBoundaryTests can run them on the real code and on made-up violations.
/// </summary>
public static partial class ModuleBoundaries
{
    public const string SharedKernel = "OpsDash.SharedKernel";

    /// <summary>Schemas each module's SQL may name besides <c>core</c>. Organizations and Members are one context (ADR 0007).</summary>
    public static readonly IReadOnlyDictionary<string, string[]> OwnSchemas = new Dictionary<string, string[]>
    {
        ["Organizations"] = ["auth", "organizations", "members"],
        ["Members"] = ["auth", "organizations", "members"],
        ["Crm"] = ["crm"],
        ["Projects"] = ["projects"],
        ["Automation"] = ["automation"],
        // Platform shows the kernel's job queue to org admins and operators (ADR 0012): it reads jobs.jobs
        // and the views jobs.summary / jobs.throughput, and changes jobs only through platform.* functions.
        ["Platform"] = ["platform", "jobs"],
    };

    /// <summary>Tenancy functions any module may call: access-checked, stable, and what its RLS policies use anyway.</summary>
    public static readonly IReadOnlySet<string> TenancyFunctions = new HashSet<string>(StringComparer.Ordinal)
    {
        "members.member_org_ids",
        "members.writer_org_ids",
        "members.admin_org_ids",
        "members.is_org_member",
        "members.is_org_admin",
        "members.member_role",
        "members.get_org_members",
    };

    public static string Root { get; } = RepositoryRoot.Find();

    public static IReadOnlyList<string> ModuleNames { get; } = Directory
        .GetDirectories(Path.Combine(Root, "src", "Modules"))
        .Select(Path.GetFileName)
        .Where(m => File.Exists(ModuleProject(m!)))
        .Select(m => m!)
        .Order(StringComparer.Ordinal)
        .ToList();

    /// <summary>Every schema the scripts create, every module's future schema, and the ones no module may use.</summary>
    public static IReadOnlySet<string> KnownSchemas { get; } = Directory
        .GetFiles(Path.Combine(Root, "db", "scripts"), "*.sql")
        .SelectMany(f => CreateSchemaRegex().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value.ToLowerInvariant()))
        .Concat(OwnSchemas.Values.SelectMany(s => s))
        .Concat(["core", "public", "information_schema", "migrations"])
        .ToHashSet(StringComparer.Ordinal);

    public static string ModuleProject(string module) => Path.Combine(Root, "src", "Modules", module, $"OpsDash.Modules.{module}.csproj");

    public static string ContractsProject(string module) =>
        Path.Combine(Root, "src", "Modules", module, "Contracts", $"OpsDash.Modules.{module}.Contracts.csproj");

    /// <summary>Project names (file names without extension) a csproj references.</summary>
    public static IReadOnlyList<string> ProjectReferences(string csproj) => XDocument.Load(csproj)
        .Descendants("ProjectReference")
        .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value.Replace('\\', '/')))
        .ToList();

    public static IReadOnlyList<string> PackageReferences(string csproj) => XDocument.Load(csproj)
        .Descendants("PackageReference")
        .Select(r => r.Attribute("Include")!.Value)
        .ToList();

    /// <summary>A module may depend on SharedKernel, its own Contracts and other modules' Contracts; nothing else of ours.</summary>
    public static IEnumerable<string> ModuleReferenceViolations(string module, IEnumerable<string> references) =>
        references
            .Where(r => r.StartsWith("OpsDash.", StringComparison.Ordinal))
            .Where(r => r != SharedKernel && !IsContracts(r))
            .Select(r => $"{module} references {r}; modules talk only through another module's Contracts.");

    /// <summary>A Contracts assembly may depend on SharedKernel only.</summary>
    public static IEnumerable<string> ContractsReferenceViolations(string module, IEnumerable<string> references) =>
        references
            .Where(r => r.StartsWith("OpsDash.", StringComparison.Ordinal) && r != SharedKernel)
            .Select(r => $"{module}.Contracts references {r}; Contracts may reference SharedKernel only.");

    private static bool IsContracts(string name) =>
        name.StartsWith("OpsDash.Modules.", StringComparison.Ordinal) && name.EndsWith(".Contracts", StringComparison.Ordinal);

    /// <summary>Every schema-qualified name in <paramref name="sql"/> that <paramref name="module"/> may not use.</summary>
    public static IEnumerable<string> SqlViolations(string module, string source, string sql)
    {
        var allowed = OwnSchemas[module].Append("core").ToHashSet(StringComparer.Ordinal);
        foreach (Match m in QualifiedNameRegex().Matches(sql))
        {
            var schema = m.Groups["schema"].Value.ToLowerInvariant();
            var qualified = $"{schema}.{m.Groups["name"].Value.ToLowerInvariant()}";
            if (KnownSchemas.Contains(schema) && !allowed.Contains(schema) && !TenancyFunctions.Contains(qualified))
            {
                yield return $"{module}: {source} names {qualified}";
            }
        }
    }

    public static Assembly LoadModule(string module) => Assembly.Load($"OpsDash.Modules.{module}");

    public static Assembly LoadContracts(string module) => Assembly.Load($"OpsDash.Modules.{module}.Contracts");

    /// <summary>
    /// Every string the assembly holds: the value of each const string field (how slices keep SQL),
    /// and every literal in its method bodies (the user-string heap), so inline SQL is seen too.
    /// </summary>
    public static IEnumerable<(string Source, string Text)> StringsIn(Assembly assembly)
    {
        foreach (var type in assembly.GetTypes())
        {
            foreach (var field in type.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                if (field is { IsLiteral: true } && field.FieldType == typeof(string) && field.GetRawConstantValue() is string value)
                {
                    yield return ($"{type.FullName}.{field.Name}", value);
                }
            }
        }

        using var stream = File.OpenRead(assembly.Location);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        if (metadata.GetHeapSize(HeapIndex.UserString) <= 1)
        {
            yield break;
        }

        for (var handle = MetadataTokens.UserStringHandle(1); !handle.IsNil; handle = metadata.GetNextHandle(handle))
        {
            yield return ("a literal", metadata.GetUserString(handle));
        }
    }

    [GeneratedRegex(@"create\s+schema\s+(?:if\s+not\s+exists\s+)?""?([a-z_][a-z0-9_]*)", RegexOptions.IgnoreCase)]
    private static partial Regex CreateSchemaRegex();

    // schema.name, quoted or not, not preceded by another dotted part (so "OpsDash.Modules.Members" is no match).
    [GeneratedRegex(@"(?<![\w.$@""])""?(?<schema>[A-Za-z_][A-Za-z0-9_$]*)""?\s*\.\s*""?(?<name>[A-Za-z_][A-Za-z0-9_$]*)")]
    private static partial Regex QualifiedNameRegex();
}
