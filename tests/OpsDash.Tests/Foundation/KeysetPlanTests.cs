using OpsDash.Modules.Crm.Deals;
using OpsDash.Modules.Organizations.Workspaces;
using OpsDash.Modules.Projects.Projects;
using OpsDash.SharedKernel.Paging;

namespace OpsDash.Tests.Foundation;

/// <summary>
/// Lists composed by the paged-read helper (KeysetList) settle on their cached generic plan, as the contact
/// list does (ContactQueryPlanTests): a time key (deals), a text sort (projects) and a bigint identity with a
/// statement that goes on after the limit (the audit log).
/// </summary>
public sealed class KeysetPlanTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    [Fact]
    public async Task The_deal_page_runs_its_cached_generic_plan()
    {
        var set = await factory.CreateOrgWithRolesAsync("enterprise");
        var query = new ListDeals.Query(null, null, null, null, null, null, null, null, null, null);
        await AssertGenericAsync(
            set, set.Member, "from crm.deals d", ListDeals.Keyset.Statement(ListDeals.Filtered(query), query.Paging), () => KeysetList.Parameters(query.Paging, ListDeals.Values(query, set.Org.Id)));
    }

    [Fact]
    public async Task The_project_page_by_name_runs_its_cached_generic_plan()
    {
        var set = await factory.CreateOrgWithRolesAsync("enterprise");
        var query = new ListProjects.Query(null, null, null, null, null, null, "name", null, null, null);
        await AssertGenericAsync(
            set, set.Member, "from projects.projects p", ListProjects.Keyset.Statement(ListProjects.Filtered(query), query.Paging), () => KeysetList.Parameters(query.Paging, ListProjects.Values(query, set.Org.Id)));
    }

    [Fact]
    public async Task The_audit_log_page_runs_its_cached_generic_plan()
    {
        var set = await factory.CreateOrgWithRolesAsync("enterprise");
        var page = ListAuditLogs.Keyset.Parse(null, null);
        await AssertGenericAsync(
            set, set.Admin, "from organizations.audit_logs a", ListAuditLogs.Keyset.Statement(ListAuditLogs.PageStart, page, ListAuditLogs.PageEnd), () => KeysetList.Parameters(page, new { OrgId = set.Org.Id }));
    }

    // Prepared as the Host prepares statements (Npgsql auto-prepare); PostgreSQL tries custom plans five times,
    // then keeps the generic one if it is no costlier.
    private async Task AssertGenericAsync(RoleSet set, TestUser user, string marker, string sql, Func<object> parameters)
    {
        var prepared = new Npgsql.NpgsqlConnectionStringBuilder(factory.AppConnectionString) { MaxAutoPrepare = 10, AutoPrepareMinUsages = 2 };
        await using var app = new Npgsql.NpgsqlConnection(prepared.ConnectionString);
        await app.OpenAsync();
        await using var tx = await app.BeginTransactionAsync();
        await app.ExecuteAsync("select set_config('app.user_id', @User, true), set_config('app.org_id', @Org, true)",
            new { User = user.Id.ToString(), Org = set.Org.Id.ToString() }, tx);
        for (var i = 0; i < 10; i++)
        {
            await app.QueryAsync(sql, parameters(), tx);
        }

        var (generic, custom) = await app.QuerySingleAsync<(long Generic, long Custom)>(
            "select generic_plans, custom_plans from pg_prepared_statements where statement like '%' || @Marker || '%'", new { Marker = marker }, tx);
        Assert.True(generic >= 3, $"generic plans {generic}, custom plans {custom}: every page was planned again");
    }
}
