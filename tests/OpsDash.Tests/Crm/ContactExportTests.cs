using System.Net.Http.Headers;
using System.Text;
using CsvHelper;

namespace OpsDash.Tests.Crm;

/// <summary>GET /contacts/export: the list's filters and order as CSV, formula cells neutralized, the org's contacts only, and a file that imports back unchanged.</summary>
public sealed class ContactExportTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    [Fact]
    public async Task The_export_holds_the_filtered_contacts_in_the_lists_order_with_formula_cells_neutralized()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var slug = set.Org.Slug;
        var company = await set.Member.CreateCompanyIdAsync(slug, "Acme, Inc.");
        await CreateAsync(set.Member, slug, new { firstName = "=HYPERLINK(\"http://evil.example\",\"x\")", lastName = "Zed", email = "z@example.com", companyId = company, tags = new[] { "vip", "eu" } });
        await CreateAsync(set.Member, slug, new { firstName = "Bob", lastName = "+cmd|' /C calc'!A0", phone = "+44 20 7946 0000", companyId = company });
        await CreateAsync(set.Member, slug, new { firstName = "@SUM(1+1)", lastName = "-2+3", email = "a@example.com", companyId = company, title = "Line\nbreak, \"quoted\"" });
        await set.Member.CreateContactOkAsync(slug, "Outside", "Company");
        await factory.CreateOrgWithRolesAsync().ContinueWith(t => t.Result.Member.CreateContactOkAsync(t.Result.Org.Slug, "Stranger")).Unwrap();

        var response = await set.Viewer.Client.GetAsync($"{CrmApi.Contacts(slug)}/export?companyId={company}&sort=name");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith($"attachment; filename=\"contacts-{slug}-", response.Content.Headers.ContentDisposition?.ToString(), StringComparison.Ordinal);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(Encoding.UTF8.Preamble.ToArray(), bytes[..3]);

        var rows = await ReadAsync(bytes);
        var list = await (await set.Viewer.Client.GetAsync($"{CrmApi.Contacts(slug)}?companyId={company}&sort=name")).JsonAsync();
        Assert.Equal(
            list.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetString()),
            rows.Select(r => r["Id"]));
        Assert.Equal(["'=HYPERLINK(\"http://evil.example\",\"x\")", "'@SUM(1+1)", "Bob"], rows.Select(r => r["First name"]));
        Assert.Equal(["Zed", "'-2+3", "'+cmd|' /C calc'!A0"], rows.Select(r => r["Last name"]));
        Assert.Equal("'+44 20 7946 0000", rows[2]["Phone"]);
        Assert.Equal("Line\nbreak, \"quoted\"", rows[1]["Title"]);
        Assert.Equal("Acme, Inc.", rows[0]["Company"]);
        Assert.Equal(["eu", "vip"], rows[0]["Tags"].Split(';').Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_exported_file_imports_back_without_changing_a_contact()
    {
        var set = await factory.CreateOrgWithRolesAsync("pro");
        var slug = set.Org.Slug;
        await CreateAsync(set.Member, slug, new { firstName = "=1+1", lastName = "-minus", email = "formula@example.com", phone = "+1 555 0100", tags = new[] { "@home" } });
        await set.Member.CreateContactOkAsync(slug, "Plain", "Person", "plain@example.com");
        var before = await StoredAsync(set.Org.Id);

        var export = await (await set.Member.Client.GetAsync($"{CrmApi.Contacts(slug)}/export")).Content.ReadAsByteArrayAsync();
        var content = new ByteArrayContent(export);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        var import = await (await set.Member.Client.PostAsync($"{CrmApi.Contacts(slug)}/import", content)).JsonAsync();

        Assert.Equal(0, import.GetProperty("created").GetInt32());
        Assert.Equal(0, import.GetProperty("updated").GetInt32());
        Assert.Equal(2, import.GetProperty("unchanged").GetInt32());
        Assert.Equal(before, await StoredAsync(set.Org.Id));
        Assert.Contains("=1+1|-minus|+1 555 0100|@home", before, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_filters_are_400s_and_another_orgs_company_exports_only_the_header()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var other = await factory.CreateOrgWithRolesAsync();
        var theirs = await other.Member.CreateCompanyIdAsync(other.Org.Slug, "Theirs");
        await CreateAsync(other.Member, other.Org.Slug, new { firstName = "Theirs", companyId = theirs });

        var empty = await ReadAsync(await (await set.Member.Client.GetAsync($"{CrmApi.Contacts(set.Org.Slug)}/export?companyId={theirs}")).Content.ReadAsByteArrayAsync());
        Assert.Empty(empty);
        await (await set.Member.Client.GetAsync($"{CrmApi.Contacts(set.Org.Slug)}/export?sort=email")).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        await (await set.Member.Client.GetAsync($"{CrmApi.Contacts(set.Org.Slug)}/export?search=%00")).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        await (await set.Member.Client.GetAsync($"{CrmApi.Contacts(set.Org.Slug)}/export?search={new string('a', 10_000)}")).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        await (await set.Member.Client.GetAsync($"{CrmApi.Contacts(other.Org.Slug)}/export")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    private static async Task CreateAsync(TestUser user, string slug, object body) =>
        Assert.Equal(HttpStatusCode.Created, (await user.CreateContactAsync(slug, body)).StatusCode);

    private static async Task<List<Dictionary<string, string>>> ReadAsync(byte[] csv)
    {
        using var reader = CsvReader.Create(new MemoryStream(csv), new CsvReaderOptions { Separator = ',' }, leaveOpen: false);
        await reader.ReadHeaderAsync(CancellationToken.None);
        var header = reader.Headers.Select(h => h.TrimStart('\uFEFF')).ToList();
        var rows = new List<Dictionary<string, string>>();
        while (await reader.ReadAsync(CancellationToken.None))
        {
            rows.Add(header.Select((h, i) => (h, i)).ToDictionary(x => x.h, x => reader.GetString(x.i)));
        }

        return rows;
    }

    private Task<string> StoredAsync(Guid orgId) => factory.ScalarAsync<string>(
        """
        select string_agg(concat_ws('|', first_name, last_name, phone, array_to_string(tags, ';'), updated_at), E'\n' order by id)
          from crm.contacts where org_id = @orgId
        """,
        new { orgId });
}
