using OpsDash.Modules.Platform.Contracts;
using static OpsDash.Modules.Platform.Contracts.CellKind;

namespace OpsDash.Modules.Organizations.OrgData;

/// <summary>
/// The audit log in an organization export (ADR 0023). Not restored: an audit row names the user who acted, and
/// the app may only write rows in the current user's name (audit_logs_writer_insert), so copying another org's
/// history would forge it. The import records one <c>org.imported</c> entry instead.
/// </summary>
internal sealed class AuditLogDataSection : IOrgDataSection
{
    private static readonly IReadOnlyList<OrgDataTable> AllTables =
    [
        new("organizations/audit_logs.csv", "organizations.audit_logs", "id",
            [new("id", Generated), new("actor_user_id", User), new("action", Value), new("entity_type", Text), new("entity_id", Text),
             new("metadata", Value), new("created_at", Value)],
            restored: false),
    ];

    public int Order => 50;

    public IReadOnlyList<OrgDataTable> Tables => AllTables;

    public Task<bool> HasDataAsync(CancellationToken ct) => Task.FromResult(false);

    public Task AfterRestoreAsync(CancellationToken ct) => Task.CompletedTask;
}
