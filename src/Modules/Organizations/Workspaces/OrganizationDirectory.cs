using OpsDash.Modules.Organizations.Contracts;

namespace OpsDash.Modules.Organizations.Workspaces;

/// <summary>The <see cref="IOrganizationDirectory"/> other modules call; plain reads, so RLS decides what is visible.</summary>
internal sealed class OrganizationDirectory(DbSession db, TenantContext tenant) : IOrganizationDirectory
{
    private const string FindSql = """
        select o.id, o.slug, o.name, o.type, o.billing_owner_user_id
          from organizations.organizations o
         where o.id = @orgId and o.deleted_at is null
        """;

    private const string DisplayNameSql = """
        select coalesce(p.full_name, p.email) from organizations.profiles p where p.id = @UserId
        """;

    public Task<OrganizationSummary?> FindAsync(Guid orgId, CancellationToken ct = default) =>
        db.QuerySingleOrDefaultAsync<OrganizationSummary>(FindSql, new { orgId }, ct);

    public async Task<string?> CallerDisplayNameAsync(CancellationToken ct = default) =>
        tenant.UserId is { } userId ? await db.ExecuteScalarAsync<string>(DisplayNameSql, new { UserId = userId }, ct) : null;
}
