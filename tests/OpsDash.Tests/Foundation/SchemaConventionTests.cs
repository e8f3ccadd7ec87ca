namespace OpsDash.Tests.Foundation;

/// <summary>Catalog checks for what every migration must do (db/scripts/README.md), now and in later scripts.</summary>
public sealed class SchemaConventionTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    private const string OurSchemas = "('core', 'auth', 'organizations', 'members', 'crm', 'projects', 'automation', 'platform', 'migrations', 'jobs', 'keyring')";

    [Fact]
    public async Task Every_foreign_key_has_an_index_led_by_its_columns()
    {
        await using var owner = await factory.OpenOwnerAsync();

        // A full (not partial) index whose first columns are exactly the key's, in any order.
        var unindexed = await owner.QueryAsync<string>($"""
            select k.conrelid::regclass::text || ' ' || k.conname
              from pg_constraint k
             where k.contype = 'f' and k.connamespace in (select oid from pg_namespace where nspname in {OurSchemas})
               and not exists (
                   select 1 from pg_index i
                    where i.indrelid = k.conrelid and i.indpred is null
                      and (i.indkey::int2[])[0:cardinality(k.conkey) - 1] @> k.conkey
                      and (i.indkey::int2[])[0:cardinality(k.conkey) - 1] <@ k.conkey)
             order by 1
            """);

        Assert.Empty(unindexed);
        Assert.True(await owner.ExecuteScalarAsync<int>("select count(*) from pg_constraint where contype = 'f'") > 10);
    }

    [Fact]
    public async Task Every_constraint_and_unique_index_is_named_after_its_table_and_column()
    {
        await using var owner = await factory.OpenOwnerAsync();

        // pk_<table>; ck_/uq_/fk_/ex_ + <table>_ + one of the table's columns, optionally + __<detail>.
        var misnamed = await owner.QueryAsync<string>($"""
            with named as (
                select k.conrelid, k.conname as name, k.contype::text as kind
                  from pg_constraint k
                 where k.connamespace in (select oid from pg_namespace where nspname in {OurSchemas}) and k.contype in ('p', 'u', 'c', 'f', 'x')
                union all
                select i.indrelid, c.relname, 'u'
                  from pg_index i join pg_class c on c.oid = i.indexrelid
                 where i.indisunique and c.relnamespace in (select oid from pg_namespace where nspname in {OurSchemas})
                   and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid)
            )
            select t.relname || ': ' || n.name
              from named n join pg_class t on t.oid = n.conrelid
             where not case n.kind
                   when 'p' then n.name = 'pk_' || t.relname
                   else split_part(substr(n.name, length(t.relname) + 5), '__', 1) in (
                            select a.attname from pg_attribute a where a.attrelid = n.conrelid and a.attnum > 0 and not a.attisdropped)
                        and starts_with(n.name, case n.kind when 'u' then 'uq_' when 'c' then 'ck_' when 'f' then 'fk_' else 'ex_' end || t.relname || '_')
                   end
             order by 1
            """);

        Assert.Empty(misnamed);
    }

    [Fact]
    public async Task No_function_is_executable_by_public_and_new_ones_are_not_either()
    {
        await using var owner = await factory.OpenOwnerAsync();
        await using var tx = await owner.BeginTransactionAsync();
        await owner.ExecuteAsync("create function core.brand_new() returns int language sql as 'select 1'", transaction: tx);

        var open = await owner.QueryAsync<string>($"""
            select p.oid::regprocedure::text
              from pg_proc p
             where p.pronamespace in (select oid from pg_namespace where nspname in {OurSchemas})
               and exists (select 1 from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
                            where a.grantee = 0 and a.privilege_type = 'EXECUTE')
            """, transaction: tx);

        Assert.Empty(open);
        Assert.False(await owner.ExecuteScalarAsync<bool>("select has_function_privilege('opsdash_app', 'core.brand_new()', 'execute')", transaction: tx));
        await tx.RollbackAsync();
    }
}
