using OpsDash.Modules.Platform.Contracts;
using static OpsDash.Modules.Platform.Contracts.CellKind;

namespace OpsDash.Modules.Automation.OrgData;

/// <summary>
/// Workflows in an organization export and import (ADR 0023): triggers and their actions. Run history and
/// notifications are not the org's data to move; conditions and action configs travel as written.
/// </summary>
internal sealed class AutomationDataSection(DbSession db, FeatureAccess features) : IOrgDataSection
{
    private const string HasDataSql = "select exists (select 1 from automation.workflow_triggers where org_id = core.current_org_id())";

    private const string CountWorkflowsSql = "select count(*) from automation.workflow_triggers where org_id = core.current_org_id()";

    private static readonly IReadOnlyList<OrgDataTable> AllTables =
    [
        new("automation/workflows.csv", "automation.workflow_triggers", "id",
            [new("id", Id), new("name", Text), new("trigger_type", Value), new("enabled", Value), new("conditions", Value), new("created_by", User),
             new("created_at", Value), new("updated_at", Value)]),
        new("automation/workflow_actions.csv", "automation.workflow_actions", "trigger_id, position",
            [new("trigger_id", Id), new("position", Value), new("action_type", Value), new("config", Value)]),
    ];

    public int Order => 40;

    public IReadOnlyList<OrgDataTable> Tables => AllTables;

    public Task<bool> HasDataAsync(CancellationToken ct) => db.QuerySingleAsync<bool>(HasDataSql, ct: ct);

    public Task AfterRestoreAsync(CancellationToken ct) =>
        features.CheckUsageLimitAsync("automation:workflows", () => db.QuerySingleAsync<long>(CountWorkflowsSql, ct: ct), adding: 0, ct);
}
