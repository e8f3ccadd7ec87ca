using System.Text.RegularExpressions;
using OpsDash.Modules.Crm.Contacts;
using OpsDash.SharedKernel.Paging;

namespace OpsDash.Tests.Crm;

/// <summary>
/// The list's plan as the app role sees it under row-level security: membership once per statement
/// (an InitPlan), and a seek on the sort's index, so a page deep in the list reads what page 1 reads.
/// </summary>
public sealed class ContactQueryPlanTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    [Theory]
    [InlineData("name")]
    [InlineData("created")]
    public async Task A_deep_page_is_an_index_seek_with_membership_evaluated_once(string sort)
    {
        var set = await factory.CreateOrgWithRolesAsync("enterprise");
        // As ./run.sh seed fills it: every third contact at one of 2,000 companies.
        await factory.ExecuteOwnerAsync("select crm.seed_companies(@Id, 2000); select crm.seed_contacts(@Id, 20000, 2000, null, 0, 1)", new { set.Org.Id });
        await factory.ExecuteOwnerAsync("analyze crm.contacts; analyze crm.companies");
        // 60 rows remain after the cursor in the page's direction: a full page of 50 (+1) is left.
        var last = await factory.ScalarAsync<Guid>(
            sort == "name"
                ? "select id from crm.contacts where org_id = @Id order by sort_name desc, id desc offset 60 limit 1"
                : "select id from crm.contacts where org_id = @Id order by created_at, id offset 60 limit 1",
            new { set.Org.Id });
        var sortName = await factory.ScalarAsync<string>("select sort_name from crm.contacts where id = @last", new { last });
        var createdAt = await factory.ScalarAsync<DateTime>("select created_at from crm.contacts where id = @last", new { last });

        await using var app = await factory.OpenAppAsync();
        await using var tx = await app.BeginTransactionAsync();
        await app.ExecuteAsync("select set_config('app.user_id', @User, true), set_config('app.org_id', @Org, true)",
            new { User = set.Member.Id.ToString(), Org = set.Org.Id.ToString() }, tx);
        // The cursor the list hands out after that row, parsed as a request parses it.
        var cursor = sort == "name" ? OpaqueCursor.Encode("name.asc", last, sortName) : OpaqueCursor.Encode("created.desc", last, CursorKeys.Time.Write(createdAt));
        var query = new ListContacts.Query(null, null, null, null, null, null, sort == "name" ? "name" : null, null, cursor, null);
        Assert.NotNull(query.Paging.After);
        var sql = ListContacts.Keyset.Statement(ListContacts.Filtered(query), query.Paging);
        var plan = string.Join('\n', await app.QueryAsync<string>("explain (analyze, buffers) " + sql, KeysetList.Parameters(query.Paging, ContactFilter.Values(query, set.Org.Id)), tx));
        var rows = (await app.QueryAsync(sql, KeysetList.Parameters(query.Paging, ContactFilter.Values(query, set.Org.Id)), tx)).Count();

        Assert.Contains("InitPlan", plan, StringComparison.Ordinal);
        Assert.Contains(sort == "name" ? "Index Scan using ix_contacts_sort_name on contacts" : "Index Scan Backward using ix_contacts_created_at on contacts", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("Sort Key", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("Seq Scan on companies", plan, StringComparison.Ordinal);
        Assert.Equal(51, rows);
    }

    [Fact]
    public async Task The_name_order_index_also_serves_the_name_prefix_search()
    {
        var set = await factory.CreateOrgWithRolesAsync("enterprise");
        await factory.SeedContactsAsync(set.Org.Id, 20_000);
        await factory.ExecuteOwnerAsync("analyze crm.contacts");
        // A range is a prefix match in byte order: the column compares in "C" whatever the database's collation.
        Assert.Equal("\"C\"", await factory.ScalarAsync<string>(
            "select attcollation::regcollation::text from pg_attribute where attrelid = 'crm.contacts'::regclass and attname = 'sort_name'"));

        await using var app = await factory.OpenAppAsync();
        await using var tx = await app.BeginTransactionAsync();
        await app.ExecuteAsync("select set_config('app.user_id', @User, true), set_config('app.org_id', @Org, true)",
            new { User = set.Member.Id.ToString(), Org = set.Org.Id.ToString() }, tx);
        var query = new ListContacts.Query("seed 199", null, null, null, null, null, "name", null, null, null);
        var args = KeysetList.Parameters(query.Paging, ContactFilter.Values(query, set.Org.Id));
        var sql = ListContacts.Keyset.Statement(ListContacts.Filtered(query), query.Paging);
        var plan = string.Join('\n', await app.QueryAsync<string>("explain " + sql, args, tx));
        var names = (await app.QueryAsync<string>(sql.Replace("select c.id,", "select c.sort_name, c.id,", StringComparison.Ordinal), args, tx)).ToList();
        const string NameRangeSql = """
            select c.id from crm.contacts c
             where c.org_id = @OrgId and c.deleted_at is null and c.sort_name >= @Low and c.sort_name < @High
             order by c.sort_name, c.id limit 51
            """;
        var nameOnly = string.Join('\n', await app.QueryAsync<string>(string.Concat("explain ", NameRangeSql), args, tx));

        // Under row-level security only leakproof operators become index conditions: text's >= and < are.
        Assert.True(Regex.IsMatch(plan, @"Index Scan (?:on|using) ix_contacts_sort_name[^\n]*\s+Index Cond: \(\(org_id = [^\n]*\) AND \(sort_name >= "), plan);
        Assert.DoesNotContain("sort_name ~>=~", plan, StringComparison.Ordinal);
        // Alone, the name's range and its order are one scan of that index, in order, with no sort.
        Assert.True(Regex.IsMatch(nameOnly, @"Index (?:Only )?Scan using ix_contacts_sort_name on contacts c[^\n]*\s+Index Cond: \([^\n]*\(sort_name >= [^\n]*\) AND \(sort_name < "), nameOnly);
        Assert.DoesNotContain("Sort Key", nameOnly, StringComparison.Ordinal);
        Assert.Equal(51, names.Count);
        Assert.All(names, n => Assert.StartsWith("seed 199", n, StringComparison.Ordinal));
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
    }

    [Fact]
    public async Task One_unique_email_index_serves_the_email_prefix_search_and_the_table_keeps_only_justified_indexes()
    {
        var set = await factory.CreateOrgWithRolesAsync("enterprise");
        await factory.ExecuteOwnerAsync("select crm.seed_contacts(@Id, 20000, 0, null, 0, 1)", new { set.Org.Id });
        await factory.ExecuteOwnerAsync("analyze crm.contacts");

        await using var app = await factory.OpenAppAsync();
        await using var tx = await app.BeginTransactionAsync();
        await app.ExecuteAsync("select set_config('app.user_id', @User, true), set_config('app.org_id', @Org, true)",
            new { User = set.Member.Id.ToString(), Org = set.Org.Id.ToString() }, tx);
        var query = new ListContacts.Query("grace.hopper.1", null, null, null, null, null, "name", null, null, null);
        var args = KeysetList.Parameters(query.Paging, ContactFilter.Values(query, set.Org.Id));
        var sql = ListContacts.Keyset.Statement(ListContacts.Filtered(query), query.Paging);
        var plan = string.Join('\n', await app.QueryAsync<string>("explain " + sql, args, tx));
        var emails = (await app.QueryAsync<string>(sql.Replace("select c.id,", "select c.email, c.id,", StringComparison.Ordinal), args, tx)).ToList();

        // The unique index (the import's ON CONFLICT arbiter) is the email's prefix index too.
        Assert.True(Regex.IsMatch(plan, @"Index Scan (?:on|using) uq_contacts_email[^\n]*\s+Index Cond: \(\(org_id = [^\n]*\) AND \(email ~>=~"), plan);
        Assert.NotEmpty(emails);
        Assert.All(emails, e => Assert.StartsWith("grace.hopper.1", e, StringComparison.Ordinal));
        Assert.Equal(
            await factory.ScalarAsync<long>("select count(*) from crm.contacts where org_id = @Id and email like 'grace.hopper.1%'", new { set.Org.Id }),
            emails.Count);

        // Each index is named by the query that needs it in docs/performance.md ("crm.contacts' indexes"): a new one needs its line there.
        var indexes = await factory.QueryOwnerAsync<string>("select indexname from pg_indexes where schemaname = 'crm' and tablename = 'contacts' order by 1");
        Assert.Equal(
            [
                "ix_contacts_company_id", "ix_contacts_created_at", "ix_contacts_last_name__prefix", "ix_contacts_owner_user_id", "ix_contacts_phone__prefix",
                "ix_contacts_sort_name", "ix_contacts_updated_at", "pk_contacts", "uq_contacts_email",
            ],
            indexes);
    }

    [Fact]
    public async Task The_page_statement_is_planned_once_and_then_runs_its_cached_plan()
    {
        var set = await factory.CreateOrgWithRolesAsync("enterprise");
        await factory.SeedContactsAsync(set.Org.Id, 2_000);
        await factory.ExecuteOwnerAsync("analyze crm.contacts");

        // Prepared as the Host prepares statements (Npgsql auto-prepare); PostgreSQL tries custom plans five times,
        // then keeps the generic one if it is no costlier. A LIMIT parameter made the generic plan look 40x costlier.
        var prepared = new Npgsql.NpgsqlConnectionStringBuilder(factory.AppConnectionString) { MaxAutoPrepare = 10, AutoPrepareMinUsages = 2 };
        await using var app = new Npgsql.NpgsqlConnection(prepared.ConnectionString);
        await app.OpenAsync();
        await using var tx = await app.BeginTransactionAsync();
        await app.ExecuteAsync("select set_config('app.user_id', @User, true), set_config('app.org_id', @Org, true)",
            new { User = set.Member.Id.ToString(), Org = set.Org.Id.ToString() }, tx);
        var query = new ListContacts.Query(null, null, null, null, null, null, null, null, null, null);
        var sql = ListContacts.Keyset.Statement(ListContacts.Filtered(query), query.Paging);
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(51, (await app.QueryAsync(sql, KeysetList.Parameters(query.Paging, ContactFilter.Values(query, set.Org.Id)), tx)).Count());
        }

        var (generic, custom) = await app.QuerySingleAsync<(long Generic, long Custom)>(
            "select generic_plans, custom_plans from pg_prepared_statements where statement like '%from crm.contacts c%'", transaction: tx);
        Assert.True(generic >= 3, $"generic plans {generic}, custom plans {custom}: every page was planned again");
    }
}
