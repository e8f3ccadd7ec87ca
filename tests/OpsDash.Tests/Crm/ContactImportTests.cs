using System.Net.Http.Headers;
using System.Text;
using Npgsql;

namespace OpsDash.Tests.Crm;

/// <summary>
/// POST /contacts/import: upsert by email through the staging table, per-row errors with row numbers,
/// all or nothing unless mode=valid, the contacts cap, the Pro gate and roles, body limits, and the
/// staging table's isolation as the app role sees it.
/// </summary>
public sealed class ContactImportTests(ContactImportFactory factory) : IClassFixture<ContactImportFactory>
{
    private static Task<HttpResponseMessage> ImportAsync(TestUser user, string slug, string csv, string query = "", string contentType = "text/csv")
    {
        var content = new StringContent(csv, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return user.Client.PostAsync($"{CrmApi.Contacts(slug)}/import{query}", content);
    }

    [Fact]
    public async Task Import_creates_new_contacts_and_updates_those_whose_email_exists()
    {
        var set = await factory.CreateOrgWithRolesAsync("pro");
        var existing = await set.Member.CreateContactIdAsync(set.Org.Slug, "Old", "Name", "grace@example.com");

        var response = await ImportAsync(set.Member, set.Org.Slug, """
            First Name,Last Name,E-mail,Phone,Job Title,Tags,Notes
            Ada,Lovelace,ADA@example.com,+44 1,Countess,math; poetry,ignored
            Grace,Hopper,grace@example.com,,Admiral,,
            Alan,Turing,,,,,
            """);

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var body = await response.JsonAsync();
        Assert.Equal(2, body.GetProperty("created").GetInt32());
        Assert.Equal(1, body.GetProperty("updated").GetInt32());
        Assert.Equal(["Notes"], body.GetProperty("ignoredColumns").EnumerateArray().Select(c => c.GetString()!));
        Assert.Equal(3, await factory.LiveContactsAsync(set.Org.Id));
        var ada = await factory.ScalarAsync<string>(
            "select concat_ws('|', first_name, last_name, email, phone, title, array_to_string(tags, ',')) from crm.contacts where org_id = @Id and email = 'ada@example.com'", new { set.Org.Id });
        Assert.Equal("Ada|Lovelace|ada@example.com|+44 1|Countess|math,poetry", ada);
        Assert.Equal("Grace|Hopper|Admiral", await factory.ScalarAsync<string>(
            "select concat_ws('|', first_name, last_name, title) from crm.contacts where id = @existing", new { existing }));
        Assert.Equal(0, await factory.ScalarAsync<long>("select count(*) from crm.contact_import_rows"));

        // The same file again changes nothing; one event per import, with its counts.
        var again = await (await ImportAsync(set.Member, set.Org.Slug, "first_name,email\nAda,ada@example.com\n")).JsonAsync();
        Assert.Equal(0, again.GetProperty("created").GetInt32() + again.GetProperty("updated").GetInt32());
        Assert.Equal(1, again.GetProperty("unchanged").GetInt32());
        var events = await factory.EventsAsync(set.Org.Id, "contacts.imported");
        Assert.Equal(2, events.Count);
        Assert.Equal(2, events[0].GetProperty("created").GetInt32());
        Assert.Equal(1, events[0].GetProperty("updated").GetInt32());
        Assert.Single(await factory.EventsAsync(set.Org.Id, "contact.created")); // the one made by hand, none per imported row
        Assert.Equal(2, await factory.ScalarAsync<long>("select count(*) from organizations.audit_logs where org_id = @Id and action = 'contact.imported'", new { set.Org.Id }));
    }

    [Fact]
    public async Task A_mapping_names_the_columns()
    {
        var set = await factory.CreateOrgWithRolesAsync("pro");

        var response = await ImportAsync(set.Member, set.Org.Slug, "Vorname,Mail,Vorname2\nKarl,karl@example.com,x\n", "?map=Vorname%3DfirstName&map=Mail%3Demail");

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        Assert.Equal(1, await factory.ScalarAsync<long>("select count(*) from crm.contacts where org_id = @Id and first_name = 'Karl' and email = 'karl@example.com'", new { set.Org.Id }));
        await (await ImportAsync(set.Member, set.Org.Slug, "a\nb\n", "?map=a%3Dnope")).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        await (await ImportAsync(set.Member, set.Org.Slug, "Notes\nb\n")).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
    }

    [Fact]
    public async Task Bad_rows_are_named_by_row_number_and_nothing_is_written()
    {
        var set = await factory.CreateOrgWithRolesAsync("pro");
        var csv = $"""
            first name,email,title
            Ada,ada@example.com,
            ,nobody@example.com,
            Bob,not-an-email,
            Carl,ADA@example.com,
            Dora,dora@example.com,{new string('x', 10_000)}
            Eve,eve@example.com,
            """;

        var problem = await (await ImportAsync(set.Member, set.Org.Slug, csv)).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");

        var rows = problem.GetProperty("rows").EnumerateArray().Select(r => (r.GetProperty("row").GetInt32(), r.GetProperty("field").GetString())).ToList();
        Assert.Equal([(3, "firstName"), (4, "email"), (5, "email"), (6, "title")], rows);
        Assert.Equal(4, problem.GetProperty("errorCount").GetInt32());
        Assert.True(problem.GetProperty("errors").TryGetProperty("rows[5].email", out _));
        Assert.Equal(0, await factory.LiveContactsAsync(set.Org.Id));
        Assert.Equal(0, await factory.ScalarAsync<long>("select count(*) from crm.contact_import_rows"));
        Assert.Empty(await factory.EventsAsync(set.Org.Id, "contacts.imported"));
    }

    [Fact]
    public async Task Valid_rows_mode_imports_the_good_rows_and_reports_the_rest()
    {
        var set = await factory.CreateOrgWithRolesAsync("pro");

        var response = await ImportAsync(set.Member, set.Org.Slug, "first name,email\nAda,ada@example.com\nBob,bad email\nCy,cy@example.com\n", "?mode=valid");

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var body = await response.JsonAsync();
        Assert.Equal(2, body.GetProperty("created").GetInt32());
        Assert.Equal(1, body.GetProperty("skipped").GetInt32());
        Assert.Equal(3, body.GetProperty("errors")[0].GetProperty("row").GetInt32());
        Assert.Equal(2, await factory.LiveContactsAsync(set.Org.Id));
        await (await ImportAsync(set.Member, set.Org.Slug, "first name\nA\n", "?mode=some")).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
    }

    [Fact]
    public async Task Only_new_rows_count_against_the_contacts_cap()
    {
        var set = await factory.CreateOrgWithRolesAsync("pro"); // pro: 10,000 contacts
        await factory.SeedContactsAsync(set.Org.Id, 9_997);
        await set.Member.CreateContactIdAsync(set.Org.Slug, "Known", email: "known@example.com"); // 9,998

        var over = await ImportAsync(set.Member, set.Org.Slug, "first name,email\nA,a@example.com\nB,b@example.com\nC,c@example.com\n");
        var problem = await over.AssertProblemAsync(HttpStatusCode.Forbidden, "limit_reached");
        Assert.Equal("crm:contacts", problem.GetProperty("feature").GetString());
        Assert.Equal(9_998, await factory.LiveContactsAsync(set.Org.Id));

        var fits = await ImportAsync(set.Member, set.Org.Slug, "first name,email\nK,known@example.com\nA,a@example.com\nB,b@example.com\n");
        Assert.True(fits.StatusCode == HttpStatusCode.OK, await fits.Content.ReadAsStringAsync());
        Assert.Equal(10_000, await factory.LiveContactsAsync(set.Org.Id));
    }

    [Fact]
    public async Task A_repeated_email_is_refused_after_its_first_row_and_counts_once_against_the_cap()
    {
        var set = await factory.CreateOrgWithRolesAsync("pro"); // pro: 10,000 contacts
        await factory.SeedContactsAsync(set.Org.Id, 9_998);

        var response = await ImportAsync(set.Member, set.Org.Slug, "first name,email\nAda,ada@example.com\nAda Again,ADA@example.com\nBob,\nAda Third,ada@example.com\n", "?mode=valid");

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var body = await response.JsonAsync();
        Assert.Equal((2, 0, 2), (body.GetProperty("created").GetInt32(), body.GetProperty("unchanged").GetInt32(), body.GetProperty("skipped").GetInt32()));
        Assert.Equal(
            [(3, "The same email is on row 2."), (5, "The same email is on row 2.")],
            body.GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("row").GetInt32(), e.GetProperty("message").GetString())));
        Assert.Equal("Ada", await factory.ScalarAsync<string>("select first_name from crm.contacts where org_id = @Id and email = 'ada@example.com'", new { set.Org.Id }));
        Assert.Equal(10_000, await factory.LiveContactsAsync(set.Org.Id));
        Assert.Equal(0, await factory.ScalarAsync<long>("select count(*) from crm.contact_import_rows"));
    }

    [Fact]
    public async Task Import_is_pro_only_and_refused_to_viewers()
    {
        var free = await factory.CreateOrgWithRolesAsync();
        var problem = await (await ImportAsync(free.Member, free.Org.Slug, "first name\nA\n")).AssertProblemAsync(HttpStatusCode.Forbidden, "feature_unavailable");
        Assert.Equal("crm:import", problem.GetProperty("feature").GetString());

        var pro = await factory.CreateOrgWithRolesAsync("pro");
        await (await ImportAsync(pro.Viewer, pro.Org.Slug, "first name\nA\n")).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        var stranger = await factory.CreateStrangerAsync("pro");
        await (await ImportAsync(stranger.User, pro.Org.Slug, "first name\nA\n")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(0, await factory.LiveContactsAsync(free.Org.Id) + await factory.LiveContactsAsync(pro.Org.Id));
    }

    [Fact]
    public async Task Nul_bad_quoting_oversize_and_wrong_media_type_are_refused()
    {
        var set = await factory.CreateOrgWithRolesAsync("pro");

        var nul = await (await ImportAsync(set.Member, set.Org.Slug, "first name,email\nA\0da,ada@example.com\n")).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        Assert.Equal(2, nul.GetProperty("rows")[0].GetProperty("row").GetInt32());
        await (await ImportAsync(set.Member, set.Org.Slug, "first name,email\n\"Ada,ada@example.com\nBob\"x,y\n")).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        var big = "first name\n" + string.Concat(Enumerable.Repeat("Someone\n", (ContactImportFactory.MaxImportBytes / 8) + 10));
        await (await ImportAsync(set.Member, set.Org.Slug, big)).AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        await (await ImportAsync(set.Member, set.Org.Slug, "{}", contentType: "application/json")).AssertProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        Assert.Equal(0, await factory.LiveContactsAsync(set.Org.Id));
    }

    [Fact]
    public async Task The_app_role_cannot_read_or_clear_another_orgs_staged_rows()
    {
        var mine = await factory.CreateOrgWithRolesAsync("pro");
        var other = await factory.CreateStrangerAsync("pro");
        var importId = Guid.NewGuid();
        await factory.ExecuteOwnerAsync(
            "insert into crm.contact_import_rows (import_id, row_no, org_id, id, first_name) values (@importId, 2, @Id, gen_random_uuid(), 'Theirs')",
            new { importId, other.Org.Id });
        try
        {
            Assert.Equal(0, await StagedAsAsync(mine.Member.Id, mine.Org.Id, importId, "select count(*) from crm.staged_contact_import(@importId)"));
            Assert.Equal(0, await StagedAsAsync(mine.Member.Id, mine.Org.Id, importId, "select crm.clear_contact_import(@importId)"));
            var denied = await Assert.ThrowsAsync<PostgresException>(() => StagedAsAsync(mine.Member.Id, mine.Org.Id, importId, "select count(*) from crm.contact_import_rows"));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, denied.SqlState);
            Assert.Equal(1, await factory.ScalarAsync<long>("select count(*) from crm.contact_import_rows where import_id = @importId", new { importId }));
            // The owning org's own context reads it: the function is what the import uses.
            Assert.Equal(1, await StagedAsAsync(other.User.Id, other.Org.Id, importId, "select count(*) from crm.staged_contact_import(@importId)"));
        }
        finally
        {
            await factory.ExecuteOwnerAsync("delete from crm.contact_import_rows where import_id = @importId", new { importId });
        }
    }

    private async Task<long> StagedAsAsync(Guid userId, Guid orgId, Guid importId, string sql)
    {
        await using var app = await factory.OpenAppAsync();
        await using var tx = await app.BeginTransactionAsync();
        await app.ExecuteAsync("select set_config('app.user_id', @User, true), set_config('app.org_id', @Org, true)",
            new { User = userId.ToString(), Org = orgId.ToString() }, tx);
        return await app.ExecuteScalarAsync<long>(sql, new { importId }, tx);
    }
}
