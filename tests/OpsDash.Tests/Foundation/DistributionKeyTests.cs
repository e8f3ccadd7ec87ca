namespace OpsDash.Tests.Foundation;

/// <summary>
/// What distributing tenant tables by <c>org_id</c> (Citus, docs/scaling.md) needs of the schema: every tenant table's
/// primary key, and every foreign key between tenant tables, leads with <c>org_id</c>, so each row and each join
/// stays on one shard.
/// </summary>
public sealed class DistributionKeyTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    // A tenant table: an org_id column that cannot be null, in one of the modules' schemas. organizations.slugs is not
    // one: a slug is unique across every org (its key is the slug), so it would be a Citus reference table, copied whole.
    private const string TenantTablesSql = """
        with tenant as (
            select c.oid, c.oid::regclass::text as name, a.attnum as org_column
              from pg_class c
              join pg_namespace n on n.oid = c.relnamespace
              join pg_attribute a on a.attrelid = c.oid and a.attname = 'org_id' and a.attnotnull
             where c.relkind in ('r', 'p') and not c.relispartition
               and n.nspname in ('core', 'organizations', 'members', 'crm', 'projects', 'automation', 'platform')
               and c.oid <> 'organizations.slugs'::regclass)
        """;

    [Fact]
    public async Task Every_tenant_tables_primary_key_leads_with_org_id()
    {
        await using var owner = await factory.OpenOwnerAsync();

        var wrong = await owner.QueryAsync<string>(TenantTablesSql + """
            select t.name || coalesce(' ' || k.conname, ' (no primary key)')
              from tenant t
              left join pg_constraint k on k.conrelid = t.oid and k.contype = 'p'
             where k.conkey is null or k.conkey[1] <> t.org_column
             order by 1
            """);

        Assert.Empty(wrong);
        Assert.True(await owner.ExecuteScalarAsync<int>(TenantTablesSql + "select count(*) from tenant") > 30);
    }

    [Fact]
    public async Task Every_foreign_key_between_tenant_tables_leads_with_org_id_on_both_sides()
    {
        await using var owner = await factory.OpenOwnerAsync();

        var wrong = await owner.QueryAsync<string>(TenantTablesSql + """
            select f.name || ' ' || k.conname
              from pg_constraint k
              join tenant f on f.oid = k.conrelid
              join tenant r on r.oid = k.confrelid
             where k.contype = 'f' and (k.conkey[1] <> f.org_column or k.confkey[1] <> r.org_column)
             order by 1
            """);

        Assert.Empty(wrong);
    }
}
