using OpsDash.Modules.Platform.Contracts;
using static OpsDash.Modules.Platform.Contracts.CellKind;

namespace OpsDash.Modules.Organizations.OrgData;

/// <summary>
/// The audit log in an organization export and import (ADR 0023), restored last and after whatever the new
/// org already recorded; entity ids inside it stay the exported ones (they name the source org's records).
/// </summary>
internal sealed class AuditLogDataSection : IOrgDataSection
{
    private static readonly IReadOnlyList<OrgDataTable> AllTables =
    [
        new("organizations/audit_logs.csv", "organizations.audit_logs", "id",
            [new("id", Generated), new("actor_user_id", User), new("action", Value), new("entity_type", Text), new("entity_id", Text),
             new("metadata", Value), new("created_at", Value)]),
    ];

    public int Order => 50;

    public IReadOnlyList<OrgDataTable> Tables => AllTables;

    // A new org has audit entries of its own (its creation); they stay.
    public Task<bool> HasDataAsync(CancellationToken ct) => Task.FromResult(false);

    public Task AfterRestoreAsync(CancellationToken ct) => Task.CompletedTask;
}
