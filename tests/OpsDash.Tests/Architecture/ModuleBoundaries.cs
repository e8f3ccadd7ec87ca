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
        // The orgs a job's system context acts in: the job-side twin of member_org_ids in policies (ADR 0009).
        "members.job_org_ids",
    };

    /// <summary>The kernel's schemas (SharedKernel and Host: the request context, the job queue, Data Protection keys, the journals).</summary>
    public static readonly string[] KernelSchemas = ["core", "jobs", "keyring", "migrations"];

    public const string Kernel = "Kernel";

    /// <summary>
    /// Whose rules a SQL file follows: a re-appliable file by its folder (db/scripts/&lt;schema&gt;/...), a migration by
    /// the owner in its name (NNNN_&lt;owner&gt;_what.sql). Names not listed here are the foundation scripts written before
    /// the modules (0001-0030); a newer migration must name its owner.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> SqlOwners = new Dictionary<string, string>
    {
        ["core"] = Kernel,
        ["kernel"] = Kernel,
        ["jobs"] = Kernel,
        ["keyring"] = Kernel,
        ["auth"] = "Organizations",
        ["organizations"] = "Organizations",
        ["members"] = "Members",
        ["crm"] = "Crm",
        ["projects"] = "Projects",
        ["automation"] = "Automation",
        ["platform"] = "Platform",
    };

    /// <summary>Tables every module's tables may reference: the tenancy anchor rows are where a row's org and users come from.</summary>
    public static readonly IReadOnlySet<string> TenancyForeignKeys = new HashSet<string>(StringComparer.Ordinal)
    {
        "organizations.organizations", // every tenant row's org_id
        "members.org_members", // (org_id, user_id): an owner or assignee who is a member of the row's org
        "auth.users", // a user who need not be in an org: platform operators and their sessions
    };

    /// <summary>Foreign keys from one module's tables into another's, each with why.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> ModuleForeignKeys = new Dictionary<string, string[]>
    {
        // A project is delivered for a CRM company and may come from a won deal (0050): (org_id, company_id) and
        // (org_id, deal_id) keep the link inside the org and make CRM refuse to purge a row a project still names.
        ["Projects"] = ["crm.companies", "crm.deals"],
    };

    // What a migration that re-copied organizations.plan_overview named (0040, 0050, 0052).
    private static readonly string[] PlanOverviewCopy =
        ["organizations.plan_overview", "organizations.features", "organizations.plan_limits", "organizations.org_plan", "organizations.organizations", "members.org_members", "members.invitations"];

    /// <summary>A SQL file that may name other modules' objects, which, and why. Each must still be needed.</summary>
    public sealed record SqlAllowance(string File, string[] Names, string Reason);

    public static readonly IReadOnlyList<SqlAllowance> SqlAllowances =
    [
        // Re-appliable files: Automation's definer functions read tenancy tables to address notifications, and its queue work.
        new("automation/functions/can_receive.sql", ["members.org_members"], "a notification goes to a live member of the org only"),
        new("automation/functions/member_email.sql", ["members.org_members", "organizations.profiles"], "a notification email needs the member's address"),
        new("automation/functions/org_name.sql", ["organizations.organizations"], "a notification names its org"),
        new("automation/functions/queue_time_trigger_scans.sql", ["jobs.jobs", "organizations.organizations"], "one scan job per live org with time triggers, not queued twice (ADR 0016)"),
        new("automation/functions/settle_abandoned_step.sql", ["jobs.jobs"], "the trigger function that settles a workflow step whose job died or was cancelled"),
        new("automation/triggers/jobs_jobs.sql", ["jobs.jobs"], "that trigger, on the kernel's queue, where the job's state changes (0057)"),
        new("platform/functions/failed_jobs.sql", ["organizations.organizations"], "operators see each failed job's org (ADR 0012)"),
        new("platform/functions/webhook_admins.sql", ["members.org_members"], "a disabled webhook endpoint is reported to the org's owners and admins (ADR 0020)"),
        new("platform/functions/billing_subscriptions.sql", ["organizations.subscription_counts"], "operators see subscriptions by plan and status through the billing owner module's function (issue 20)"),
        new("core/functions/enter_context.sql", ["auth.access_token_is_current"], "the prelude of a unit of work's first statement checks the access token's session (ADR 0025)"),
        new("platform/functions/failed_payments.sql", ["organizations.recent_payment_failures"], "operators see failed payments through the billing owner module's function (issue 20)"),

        // Migrations written before the re-appliable files: immutable, and what they defined now lives in the files above.
        new("migrations/0010_jobs_role.sql",
            ["members.invitations", "members.org_members", "organizations.feature_access", "organizations.feature_flags", "organizations.features", "organizations.org_plan", "organizations.organizations", "organizations.plan_limits", "organizations.plan_overview"],
            "the jobs role re-defined the tenancy functions for a job's org, before modules had their own scripts"),
        new("migrations/0015_kernel_request_entry.sql",
            ["auth.access_token_is_current", "organizations.enter_org", "organizations.enter_request", "organizations.feature_access", "organizations.feature_access_for_write"],
            "the request entry point, defined in the organizations schema (organizations/functions/enter_request.sql)"),
        new("migrations/0027_jobs_events.sql", ["organizations.organizations"], "a data move: outbox rows of live orgs into the queue"),
        new("migrations/0031_platform_jobs_visibility.sql", ["organizations.organizations"], "failed_jobs shows the org (now platform/functions/failed_jobs.sql)"),
        new("migrations/0040_crm_contacts_companies.sql", PlanOverviewCopy, "re-copied organizations.plan_overview to count CRM rows"),
        new("migrations/0041_crm_pipeline_deals.sql", ["organizations.organizations"], "a data move: every org's default pipeline"),
        new("migrations/0050_projects.sql", [.. PlanOverviewCopy, "crm.usage_counts", "crm.feature_key", "crm.used"], "re-copied organizations.plan_overview to count projects"),
        new("migrations/0051_automation_notifications.sql", ["members.org_members"], "can_receive (now automation/functions/can_receive.sql)"),
        new("migrations/0052_automation_workflows.sql",
            [.. PlanOverviewCopy, "crm.usage_counts", "crm.feature_key", "crm.used", "projects.usage_counts", "projects.feature_key", "projects.used"],
            "re-copied organizations.plan_overview to count workflows"),
        new("migrations/0053_automation_runs.sql", ["jobs.jobs", "members.org_members", "organizations.organizations", "organizations.profiles"], "member_email, org_name and run steps as jobs (now automation/functions)"),
        new("migrations/0057_automation_abandoned_steps.sql", ["jobs.jobs"], "the trigger on jobs.jobs (now automation/triggers/jobs_jobs.sql)"),
        new("migrations/0058_automation_time_trigger_fires.sql", ["jobs.jobs", "organizations.organizations"], "queue_time_trigger_scans (now automation/functions)"),
    ];

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
        .GetFiles(Path.Combine(Root, "db", "scripts"), "*.sql", SearchOption.AllDirectories)
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
    public static IEnumerable<string> SqlViolations(string module, string source, string sql) =>
        SqlViolations(module, source, sql, foreignKeyTargets: []);

    private static IEnumerable<string> SqlViolations(string module, string source, string sql, HashSet<int> foreignKeyTargets)
    {
        var allowed = (module == Kernel ? KernelSchemas : OwnSchemas[module]).Append("core").ToHashSet(StringComparer.Ordinal);
        foreach (Match m in QualifiedNameRegex().Matches(sql))
        {
            if (foreignKeyTargets.Contains(m.Index))
            {
                continue;
            }

            var schema = m.Groups["schema"].Value.ToLowerInvariant();
            var qualified = $"{schema}.{m.Groups["name"].Value.ToLowerInvariant()}";
            if (KnownSchemas.Contains(schema) && !allowed.Contains(schema) && !TenancyFunctions.Contains(qualified))
            {
                yield return $"{module}: {source} names {qualified}";
            }
        }
    }

    /// <summary>The SQL files and whose rules each follows: re-appliable files by folder, migrations by the owner in their name.</summary>
    public static IEnumerable<(string Module, string Path, string Sql)> SqlFiles()
    {
        var root = Path.Combine(Root, "db", "scripts");
        foreach (var file in Directory.GetFiles(root, "*.sql", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var path = Path.GetRelativePath(root, file).Replace('\\', '/');
            var owner = path.StartsWith("migrations/", StringComparison.Ordinal) ? MigrationOwner(Path.GetFileName(path)) : path.Split('/')[0];
            if (SqlOwners.TryGetValue(owner, out var module))
            {
                yield return (module, path, File.ReadAllText(file));
            }
        }
    }

    /// <summary>The owner in a migration's name: <c>0040_crm_contacts_companies.sql</c> is crm's.</summary>
    public static string MigrationOwner(string fileName) => Path.GetFileNameWithoutExtension(fileName).Split('_')[1];

    /// <summary>
    /// What a SQL file names that its module may not: the names of <see cref="SqlViolations(string, string, string)"/>
    /// (comments aside), and foreign keys into another module's tables, less the file's <see cref="SqlAllowances"/>.
    /// </summary>
    public static IEnumerable<string> SqlFileViolations(string module, string path, string sql)
    {
        sql = LineCommentRegex().Replace(sql, string.Empty);
        var allowance = SqlAllowances.Where(a => a.File == path).SelectMany(a => a.Names).ToHashSet(StringComparer.Ordinal);
        var own = (module == Kernel ? KernelSchemas : OwnSchemas[module]).Append("core").ToHashSet(StringComparer.Ordinal);
        var foreignKeys = ForeignKeyRegex().Matches(sql).Select(m => (m.Groups["target"].Index, Name: m.Groups["target"].Value.ToLowerInvariant())).ToList();
        var moduleForeignKeys = ModuleForeignKeys.GetValueOrDefault(module) ?? [];
        var badForeignKeys = foreignKeys
            .Where(fk => !own.Contains(fk.Name.Split('.')[0]) && !TenancyForeignKeys.Contains(fk.Name) && !moduleForeignKeys.Contains(fk.Name))
            .Select(fk => $"{module}: {path} has a foreign key into {fk.Name}");
        return badForeignKeys
            .Concat(SqlViolations(module, path, sql, foreignKeys.Select(fk => fk.Index).ToHashSet())
                .Where(v => !allowance.Contains(v[(v.LastIndexOf(' ') + 1)..])))
            .Distinct();
    }

    /// <summary>Names an allowance lists that its file no longer names: an allowance outlives its reason otherwise.</summary>
    public static IEnumerable<string> UnneededAllowances()
    {
        var files = SqlFiles().ToDictionary(f => f.Path);
        foreach (var allowance in SqlAllowances)
        {
            if (!files.TryGetValue(allowance.File, out var file))
            {
                yield return $"{allowance.File}: no such SQL file";
                continue;
            }

            var sql = LineCommentRegex().Replace(file.Sql, string.Empty);
            var named = QualifiedNameRegex().Matches(sql).Select(m => $"{m.Groups["schema"].Value}.{m.Groups["name"].Value}".ToLowerInvariant()).ToHashSet();
            foreach (var name in allowance.Names.Where(n => !named.Contains(n)))
            {
                yield return $"{allowance.File}: no longer names {name}";
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

    [GeneratedRegex(@"--[^\n]*")]
    private static partial Regex LineCommentRegex();

    [GeneratedRegex(@"\breferences\s+(?<target>[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*)", RegexOptions.IgnoreCase)]
    private static partial Regex ForeignKeyRegex();

    [GeneratedRegex(@"create\s+schema\s+(?:if\s+not\s+exists\s+)?""?([a-z_][a-z0-9_]*)", RegexOptions.IgnoreCase)]
    private static partial Regex CreateSchemaRegex();

    // schema.name, quoted or not, not preceded by another dotted part (so "OpsDash.Modules.Members" is no match).
    [GeneratedRegex(@"(?<![\w.$@""])""?(?<schema>[A-Za-z_][A-Za-z0-9_$]*)""?\s*\.\s*""?(?<name>[A-Za-z_][A-Za-z0-9_$]*)")]
    private static partial Regex QualifiedNameRegex();
}
