using OpsDash.Modules.Platform.Contracts;
using static OpsDash.Modules.Platform.Contracts.CellKind;

namespace OpsDash.Modules.Members.OrgData;

/// <summary>
/// The members list with roles in an organization export (ADR 0023). Not restored: an import matches the
/// exported user ids to the importing org's members by email, and invites nobody.
/// </summary>
internal sealed class MembersDataSection(DbSession db) : IOrgDataSection, IOrgMemberEmails
{
    private const string MembersSql = "select email, user_id from members.export_org_members()";

    private static readonly IReadOnlyList<OrgDataTable> AllTables =
    [
        new("members/members.csv", "members.org_members", "joined_at, user_id",
            [new("user_id", Value), new("email", Text), new("full_name", Text), new("role", Value), new("joined_at", Value)],
            restored: false,
            source: "members.export_org_members()"),
    ];

    public int Order => 10;

    public IReadOnlyList<OrgDataTable> Tables => AllTables;

    public Task<bool> HasDataAsync(CancellationToken ct) => Task.FromResult(false);

    public Task AfterRestoreAsync(CancellationToken ct) => Task.CompletedTask;

    public async Task<IReadOnlyDictionary<string, Guid>> ByEmailAsync(CancellationToken ct) =>
        (await db.QueryAsync<(string Email, Guid UserId)>(MembersSql, ct: ct))
        .ToDictionary(m => m.Email.ToLowerInvariant(), m => m.UserId, StringComparer.Ordinal);
}
