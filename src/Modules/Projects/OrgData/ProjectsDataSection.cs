using OpsDash.Modules.Platform.Contracts;
using static OpsDash.Modules.Platform.Contracts.CellKind;

namespace OpsDash.Modules.Projects.OrgData;

/// <summary>Projects' tables in an organization export and import (ADR 0023), parents before children.</summary>
internal sealed class ProjectsDataSection(DbSession db, FeatureAccess features) : IOrgDataSection
{
    private const string HasDataSql = """
        select exists (select 1 from projects.projects where org_id = core.current_org_id())
        """;

    private const string CountProjectsSql = "select count(*) from projects.projects where org_id = core.current_org_id() and deleted_at is null";

    private static readonly IReadOnlyList<OrgDataTable> AllTables =
    [
        new("projects/projects.csv", "projects.projects", "id",
            [new("id", Id), new("name", Text), new("description", Text), new("status", Value), new("company_id", Id), new("deal_id", Id),
             new("owner_user_id", User), new("start_date", Value), new("due_date", Value), new("created_at", Value), new("updated_at", Value), new("deleted_at", Value)]),
        new("projects/milestones.csv", "projects.milestones", "id",
            [new("id", Id), new("project_id", Id), new("name", Text), new("description", Text), new("due_date", Value), new("completed_at", Value),
             new("created_at", Value), new("updated_at", Value), new("deleted_at", Value)]),
        new("projects/tasks.csv", "projects.tasks", "id",
            [new("id", Id), new("project_id", Id), new("milestone_id", Id), new("title", Text), new("description", Text), new("status", Value), new("priority", Value),
             new("assignee_user_id", User), new("due_date", Value), new("position", Value), new("completed_at", Value),
             new("created_at", Value), new("updated_at", Value), new("deleted_at", Value)]),
        new("projects/time_entries.csv", "projects.time_entries", "id",
            [new("id", Id), new("project_id", Id), new("task_id", Id), new("user_id", User), new("minutes", Value), new("entry_date", Value), new("billable", Value),
             new("hourly_rate", Value), new("currency", Value), new("note", Text), new("created_at", Value), new("deleted_at", Value)]),
    ];

    public int Order => 30;

    public IReadOnlyList<OrgDataTable> Tables => AllTables;

    public Task<bool> HasDataAsync(CancellationToken ct) => db.QuerySingleAsync<bool>(HasDataSql, ct: ct);

    public Task AfterRestoreAsync(CancellationToken ct) =>
        features.CheckUsageLimitAsync("projects:crud", () => db.QuerySingleAsync<long>(CountProjectsSql, ct: ct), adding: 0, ct);
}
