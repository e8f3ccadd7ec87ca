namespace OpsDash.Tests.Foundation;

/// <summary>The CI check that tenant isolation does not rest on application code alone.</summary>
public sealed class RowLevelSecurityTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    // Global reference data every caller may read (plans and what they allow).
    private static readonly string[] ReferenceTables = ["organizations.plans", "organizations.features", "organizations.plan_limits"];

    // COPY FROM is refused on a table with RLS (PostgreSQL 15), so the CSV import's unlogged staging
    // table has none; the app may only INSERT into it, and reads its own import's rows through
    // SECURITY DEFINER functions (0043; ContactImportTests checks another org's rows stay unseen).
    private static readonly string[] CopyStagingTables = ["crm.contact_import_rows"];

    private const string ModuleTablesSql = """
        select n.nspname || '.' || c.relname
          from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where c.relkind in ('r', 'p')
           and n.nspname not in ('pg_catalog', 'information_schema', 'migrations')
           and n.nspname not like 'pg\_%'
         order by 1
        """;

    [Fact]
    public async Task Every_table_including_the_journal_has_rls_enabled_and_forced()
    {
        await using var owner = await factory.OpenOwnerAsync();

        var unprotected = await owner.QueryAsync<string>("""
            select n.nspname || '.' || c.relname
              from pg_class c join pg_namespace n on n.oid = c.relnamespace
             where c.relkind in ('r', 'p')
               and n.nspname not in ('pg_catalog', 'information_schema')
               and n.nspname not like 'pg\_%'
               and not (c.relrowsecurity and c.relforcerowsecurity)
            """);

        Assert.Empty(unprotected.Except(CopyStagingTables));
        Assert.NotEmpty(await owner.QueryAsync<string>(ModuleTablesSql));
    }

    [Theory]
    [InlineData("opsdash_app")]
    [InlineData("opsdash_jobs")]
    public async Task The_app_and_jobs_roles_own_nothing_and_cannot_bypass_rls(string roleName)
    {
        await using var owner = await factory.OpenOwnerAsync();

        var role = await owner.QuerySingleAsync<(bool Super, bool BypassRls, bool CreateRole, bool CreateDb)>(
            "select rolsuper, rolbypassrls, rolcreaterole, rolcreatedb from pg_roles where rolname = @roleName", new { roleName });
        var owned = await owner.ExecuteScalarAsync<int>("""
            with r as (select oid from pg_roles where rolname = @roleName)
            select (select count(*) from pg_class where relowner = (select oid from r))
                 + (select count(*) from pg_namespace where nspowner = (select oid from r))
                 + (select count(*) from pg_proc where proowner = (select oid from r))
                 + (select count(*) from pg_type where typowner = (select oid from r))
            """, new { roleName });

        Assert.Equal((false, false, false, false), role);
        Assert.Equal(0, owned);
    }

    [Fact]
    public async Task The_app_role_cannot_read_the_journal_and_has_timeouts()
    {
        await using var app = await factory.OpenAppAsync();

        var denied = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => app.ExecuteScalarAsync<long>("select count(*) from migrations.journal"));
        Assert.Equal(Npgsql.PostgresErrorCodes.InsufficientPrivilege, denied.SqlState);
        Assert.Equal("15s", await app.ExecuteScalarAsync<string>("show statement_timeout"));
        Assert.Equal("30s", await app.ExecuteScalarAsync<string>("show idle_in_transaction_session_timeout"));
        Assert.True(await app.ExecuteScalarAsync<long>("select count(*) from core.applied_migrations()") > 0);
    }

    [Fact]
    public async Task Without_a_context_the_app_role_sees_no_tenant_rows()
    {
        await factory.SignUpAsync("a");
        await factory.SignUpAsync("b");
        await using var app = await factory.OpenAppAsync();
        await using var owner = await factory.OpenOwnerAsync();

        foreach (var table in (await owner.QueryAsync<string>(ModuleTablesSql)).Except(ReferenceTables))
        {
            // A table the app role holds no SELECT on (e.g. organizations.slugs) is invisible by grant.
            if (!await owner.ExecuteScalarAsync<bool>("select has_table_privilege('opsdash_app', @table, 'select')", new { table }))
            {
                continue;
            }

            // Identifiers come from the catalogue above, not from input.
            Assert.True(0 == await app.ExecuteScalarAsync<long>($"select count(*) from {table}"), $"{table} is visible without a context");
        }

        Assert.True(await owner.ExecuteScalarAsync<long>("select count(*) from organizations.organizations") >= 2);
    }

    [Fact]
    public async Task An_unscoped_select_as_user_a_returns_only_a_rows_on_every_tenant_table()
    {
        var a = await factory.SignUpAsync("a");
        var b = await factory.SignUpAsync("b");
        await SeedInvitationAsync(b);
        await using var owner = await factory.OpenOwnerAsync();
        var aOrgs = (await owner.QueryAsync<Guid>("select org_id from members.org_members where user_id = @Id", new { a.Id })).ToHashSet();
        var tenantTables = await owner.QueryAsync<string>("""
            select table_schema || '.' || table_name from information_schema.columns
             where column_name = 'org_id' and table_schema not in ('pg_catalog', 'information_schema', 'migrations')
               and has_table_privilege('opsdash_app', quote_ident(table_schema) || '.' || quote_ident(table_name), 'select')
            """);

        foreach (var orgContext in new Guid?[] { null, aOrgs.Single() })
        {
            await using var app = await factory.OpenAppAsync();
            await using var tx = await app.BeginTransactionAsync();
            await app.ExecuteAsync("select set_config('app.user_id', @User, true), set_config('app.org_id', @Org, true)",
                new { User = a.Id.ToString(), Org = orgContext?.ToString() ?? string.Empty }, tx);
            foreach (var table in tenantTables)
            {
                var visible = await app.QueryAsync<Guid?>($"select org_id from {table}", transaction: tx);
                Assert.All(visible, orgId => Assert.True(orgId is null || aOrgs.Contains(orgId.Value), $"{table} leaked org {orgId}"));
            }

            Assert.Equal([a.Id], await app.QueryAsync<Guid>("select id from auth.users", transaction: tx));
            Assert.Equal([a.Id], await app.QueryAsync<Guid>("select id from organizations.profiles", transaction: tx));
            Assert.All(await app.QueryAsync<Guid>("select user_id from auth.refresh_tokens", transaction: tx), id => Assert.Equal(a.Id, id));
            Assert.Empty(await app.QueryAsync<Guid>("select org_id from members.invitations", transaction: tx));
        }

        Assert.Equal(1, await owner.ExecuteScalarAsync<int>("select count(*) from members.invitations"));
    }

    [Fact]
    public async Task Membership_is_evaluated_once_per_statement_not_per_row()
    {
        var user = await factory.SignUpAsync();
        await using var app = await factory.OpenAppAsync();
        await using var tx = await app.BeginTransactionAsync();
        await app.ExecuteAsync("select set_config('app.user_id', @User, true)", new { User = user.Id.ToString() }, tx);

        var plan = string.Join('\n', await app.QueryAsync<string>("explain select * from organizations.organizations", transaction: tx));

        Assert.Contains("InitPlan", plan, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Definer_functions_reveal_nothing_about_a_foreign_org()
    {
        var a = await factory.SignUpAsync("a");
        var b = await factory.SignUpAsync("b");
        await using var owner = await factory.OpenOwnerAsync();
        var bOrg = await owner.ExecuteScalarAsync<Guid>("select id from organizations.organizations where billing_owner_user_id = @Id", new { b.Id });
        await using var app = await factory.OpenAppAsync();
        await using var tx = await app.BeginTransactionAsync();
        await app.ExecuteAsync("select set_config('app.user_id', @User, true)", new { User = a.Id.ToString() }, tx);

        Assert.Null(await app.ExecuteScalarAsync<string>("select organizations.org_plan(@bOrg)", new { bOrg }, tx));
        Assert.Null(await app.ExecuteScalarAsync<string>("select members.member_role(@bOrg)", new { bOrg }, tx));
        Assert.False(await app.ExecuteScalarAsync<bool>("select members.is_org_member(@bOrg)", new { bOrg }, tx));
        Assert.Empty(await app.QueryAsync<Guid>("select id from organizations.enter_org(@Slug)", new { Slug = b.PersonalSlug }, tx));
        var error = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => app.QueryAsync("select * from members.get_org_members(@bOrg)", new { bOrg }, tx));
        Assert.Equal("OD404", error.SqlState);
    }

    [Theory]
    [InlineData("viewer", false)]
    [InlineData("member", false)]
    [InlineData("admin", true)]
    public async Task Write_policies_hold_in_the_database_whatever_the_csharp_checks(string role, bool mayWrite)
    {
        var owner = await factory.SignUpAsync("owner");
        var user = await factory.SignUpAsync(role);
        var org = Guid.NewGuid();
        await using (var db = await factory.OpenOwnerAsync())
        {
            await db.ExecuteAsync("""
                insert into organizations.organizations (id, name, slug, type, billing_owner_user_id, created_by)
                values (@org, 'Team', @Slug, 'team', @Owner, @Owner);
                insert into members.org_members (org_id, user_id, role) values (@org, @Owner, 'owner'), (@org, @User, @role);
                """, new { org, Slug = $"team-{Guid.NewGuid():N}"[..20], Owner = owner.Id, User = user.Id, role });
        }

        await using var app = await factory.OpenAppAsync();
        await using var tx = await app.BeginTransactionAsync();
        await app.ExecuteAsync("select set_config('app.user_id', @User, true), set_config('app.org_id', @Org, true)",
            new { User = user.Id.ToString(), Org = org.ToString() }, tx);

        var renamed = await app.ExecuteAsync("update organizations.organizations set name = 'renamed' where id = @org", new { org }, tx);
        await app.ExecuteAsync("savepoint before_invite", transaction: tx);
        var invited = true;
        try
        {
            // Invitations are created only through the definer function, which applies the role rules.
            await app.ExecuteAsync(
                "select members.create_invitation('x@example.test', 'member', '\\x01', interval '1 day')", transaction: tx);
        }
        catch (Npgsql.PostgresException e) when (e.SqlState is "42501" or "OD403")
        {
            invited = false;
            await app.ExecuteAsync("rollback to savepoint before_invite", transaction: tx);
        }

        Assert.Equal(mayWrite ? 1 : 0, renamed);
        Assert.Equal(mayWrite, invited);
    }

    private async Task SeedInvitationAsync(TestUser inviter)
    {
        await using var owner = await factory.OpenOwnerAsync();
        await owner.ExecuteAsync("""
            insert into members.invitations (org_id, email, role, token_hash, invited_by, expires_at)
            select o.id, 'someone@example.test', 'member', sha256(gen_random_uuid()::text::bytea), @Id, now() + interval '7 days'
              from organizations.organizations o where o.billing_owner_user_id = @Id
            """, new { inviter.Id });
    }
}
