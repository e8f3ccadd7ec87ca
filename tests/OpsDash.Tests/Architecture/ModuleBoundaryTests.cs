using System.Reflection;
using OpsDash.SharedKernel.Database;
using OpsDash.SharedKernel.Events;
using static OpsDash.Tests.Architecture.ModuleBoundaries;

namespace OpsDash.Tests.Architecture;

/// <summary>The module rules of docs/adr/0007-module-boundaries.md, checked on the projects and on the built assemblies.</summary>
public sealed class ModuleBoundaryTests
{
    public static TheoryData<string> AllModules => [.. ModuleNames];

    [Fact]
    public void Every_module_folder_is_known_to_the_rules()
    {
        Assert.Equal(OwnSchemas.Keys.Order(StringComparer.Ordinal), ModuleNames);
    }

    [Theory]
    [MemberData(nameof(AllModules))]
    public void A_module_references_only_SharedKernel_and_Contracts(string module)
    {
        var fromProject = ModuleReferenceViolations(module, ProjectReferences(ModuleProject(module)));
        var fromAssembly = ModuleReferenceViolations(module, LoadModule(module).GetReferencedAssemblies().Select(a => a.Name!));

        Assert.Empty(fromProject.Concat(fromAssembly));
    }

    [Theory]
    [MemberData(nameof(AllModules))]
    public void A_modules_Contracts_project_exists_in_the_solution_and_references_only_SharedKernel(string module)
    {
        var csproj = ContractsProject(module);
        Assert.True(File.Exists(csproj), $"{csproj} is missing");
        Assert.Contains(
            $@"src\Modules\{module}\Contracts\OpsDash.Modules.{module}.Contracts.csproj",
            File.ReadAllText(Path.Combine(Root, "OpsDash.sln")),
            StringComparison.Ordinal);
        Assert.Empty(PackageReferences(csproj));

        var fromProject = ContractsReferenceViolations(module, ProjectReferences(csproj));
        var fromAssembly = ContractsReferenceViolations(module, LoadContracts(module).GetReferencedAssemblies().Select(a => a.Name!));

        Assert.Empty(fromProject.Concat(fromAssembly));
    }

    [Theory]
    [MemberData(nameof(AllModules))]
    public void A_module_assembly_does_not_compile_its_Contracts_folder_in(string module)
    {
        var contractsName = $"OpsDash.Modules.{module}.Contracts";

        Assert.DoesNotContain(LoadModule(module).GetTypes(), t => t.Namespace?.StartsWith(contractsName, StringComparison.Ordinal) == true);
    }

    [Theory]
    [MemberData(nameof(AllModules))]
    public void A_modules_SQL_names_only_its_own_schemas_core_and_the_tenancy_functions(string module)
    {
        var violations = new[] { LoadModule(module), LoadContracts(module) }
            .SelectMany(StringsIn)
            .SelectMany(s => SqlViolations(module, s.Source, s.Text))
            .Distinct();

        Assert.Empty(violations);
    }

    public static TheoryData<string> AllSqlOwners => [.. ModuleNames, Kernel];

    [Theory]
    [MemberData(nameof(AllSqlOwners))]
    public void A_modules_SQL_files_name_only_its_own_schemas_core_the_tenancy_functions_and_the_listed_exceptions(string module)
    {
        var files = SqlFiles().Where(f => f.Module == module).ToList();

        Assert.NotEmpty(files);
        Assert.Empty(files.SelectMany(f => SqlFileViolations(module, f.Path, f.Sql)));
    }

    [Fact]
    public void Every_SQL_exception_is_still_needed_and_every_newer_migration_names_its_owner()
    {
        Assert.Empty(UnneededAllowances());
        var scanned = SqlFiles().Select(f => f.Path).ToHashSet();
        Assert.All(
            Directory.GetFiles(Path.Combine(Root, "db", "scripts", "migrations"), "*.sql").Select(Path.GetFileName).Where(n => string.CompareOrdinal(n, "0031") > 0),
            name => Assert.True(SqlOwners.ContainsKey(MigrationOwner(name!)), $"{name}: name the owning module or schema after the number ({string.Join(", ", SqlOwners.Keys)})"));
        Assert.Contains("migrations/0040_crm_contacts_companies.sql", scanned);
        Assert.Contains("crm/functions/usage_counts.sql", scanned);
    }

    [Fact]
    public void A_SQL_file_naming_another_modules_tables_or_a_foreign_key_into_them_fails_the_rules()
    {
        Assert.Equal(
            ["Crm: crm/functions/x.sql names members.org_members"],
            SqlFileViolations("Crm", "crm/functions/x.sql", "-- reads members.invitations? no: only this comment does\nselect 1 from members.org_members m where m.org_id = core.current_org_id();"));
        Assert.Equal(
            ["Crm: migrations/0070_crm_x.sql has a foreign key into projects.projects"],
            SqlFileViolations("Crm", "migrations/0070_crm_x.sql", "create table crm.x (org_id uuid references organizations.organizations (id), project_id uuid, foreign key (org_id, project_id) references projects.projects (org_id, id));"));
        Assert.Empty(SqlFileViolations("Projects", "migrations/0070_projects_x.sql", "create table projects.x (org_id uuid, deal_id uuid, foreign key (org_id, deal_id) references crm.deals (org_id, id));"));
        Assert.Single(SqlFileViolations("Automation", "automation/functions/x.sql", "select o.name from organizations.organizations o"));
        Assert.Empty(SqlFileViolations("Automation", "automation/functions/org_name.sql", "select o.name from organizations.organizations o"));
        Assert.Empty(SqlFileViolations(Kernel, "core/functions/x.sql", "select 1 from migrations.journal, jobs.jobs where members.job_org_ids() is not null"));
    }

    [Fact]
    public void Modules_can_neither_start_background_work_nor_name_the_transactions_org()
    {
        var kernel = typeof(TenantContext).Assembly;

        // Background work (the system context, or any org's) is the job worker's and the schedules'; an org for
        // the transaction comes from the org group's slug or DbSession.EnterPersonalOrgAsync, never from a module.
        Assert.False(kernel.GetType("OpsDash.SharedKernel.Database.BackgroundWork", throwOnError: true)!.IsPublic);
        Assert.True(typeof(TenantContext).GetMethod(nameof(TenantContext.SetOrgAsync), BindingFlags.Instance | BindingFlags.NonPublic)!.IsAssembly);
        Assert.True(typeof(TenantContext).GetMethod("EnterJob", BindingFlags.Instance | BindingFlags.NonPublic)!.IsAssembly);
        // Only the Host and the tests see the kernel's internals.
        Assert.Equal(
            ["OpsDash.Host", "OpsDash.Tests"],
            kernel.GetCustomAttributes<System.Runtime.CompilerServices.InternalsVisibleToAttribute>().Select(a => a.AssemblyName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_SQL_scan_sees_the_slices_constants()
    {
        var strings = StringsIn(LoadModule("Members")).ToList();

        Assert.Contains(strings, s => s.Source.EndsWith("GetMembers.ListSql", StringComparison.Ordinal) && s.Text.Contains("members.get_org_members", StringComparison.Ordinal));
        Assert.Contains(strings, s => s.Source == "a literal" && s.Text.Contains("members.invitations", StringComparison.Ordinal));
    }

    [Fact]
    public void Crm_naming_members_tables_or_referencing_the_Members_module_fails_the_rules()
    {
        Assert.Single(SqlViolations("Crm", "test", "select m.role from members.org_members m where m.org_id = @OrgId"));
        Assert.Single(SqlViolations("Crm", "test", """select 1 from "organizations"."profiles" """));
        Assert.Single(SqlViolations("Crm", "test", "select 1 from Projects . tasks"));
        Assert.Empty(SqlViolations("Crm", "test", """
            select c.id from crm.contacts c
             where c.org_id = any ((select members.member_org_ids())::uuid[]) and c.org_id = core.current_org_id()
            """));
        Assert.Single(ModuleReferenceViolations("Crm", ["OpsDash.SharedKernel", "OpsDash.Modules.Members"]));
        Assert.Empty(ModuleReferenceViolations("Crm", ["OpsDash.SharedKernel", "OpsDash.Modules.Members.Contracts", "Dapper"]));
        Assert.Single(ContractsReferenceViolations("Crm", ["OpsDash.SharedKernel", "OpsDash.Modules.Members.Contracts"]));
    }

    [Fact]
    public void Every_integration_event_type_is_well_formed_and_unique()
    {
        var events = ModuleNames
            .Select(LoadContracts)
            .SelectMany(a => a.GetTypes())
            .Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(IIntegrationEvent).IsAssignableFrom(t))
            .Select(t => (Type: t, EventType: (string)t.GetProperty(nameof(IIntegrationEvent.EventType), BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!))
            .ToList();

        Assert.Contains(events, e => e.EventType == "email.invitation");
        Assert.All(events, e => Assert.True(IntegrationEvents.IsValidType(e.EventType), $"{e.Type.Name}: '{e.EventType}'"));
        Assert.Equal(events.Count, events.Select(e => e.EventType).Distinct().Count());
    }

    [Fact]
    public void An_event_type_the_job_queue_would_refuse_is_refused_in_CSharp()
    {
        Assert.Equal("email.invitation", IntegrationEvents.TypeOf<OpsDash.Modules.Members.Contracts.InvitationEmailRequested>());
        Assert.Throws<InvalidOperationException>(IntegrationEvents.TypeOf<BadlyNamed>);
        Assert.Throws<InvalidOperationException>(IntegrationEvents.TypeOf<TrailingNewline>);
    }

    private sealed record BadlyNamed : IIntegrationEvent
    {
        public static string EventType => "Member-Invited";
    }

    private sealed record TrailingNewline : IIntegrationEvent
    {
        public static string EventType => "member.invited\n";
    }
}
