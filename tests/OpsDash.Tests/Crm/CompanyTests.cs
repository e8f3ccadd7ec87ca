using System.Text.Json;

namespace OpsDash.Tests.Crm;

/// <summary>Companies over HTTP: create, picker, filtered pages, related contacts, custom-field metadata, soft delete.</summary>
public sealed class CompanyTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    [Fact]
    public async Task Create_get_update_related_and_delete()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var slug = set.Org.Slug;
        var response = await set.Member.Client.PostAsJsonAsync(CrmApi.Companies(slug), new { name = " Umbrella ", domain = "Umbrella.TEST", industry = "Pharma", size = "5001+" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.JsonAsync();
        var id = created.GetProperty("id").GetGuid();
        Assert.Equal("Umbrella", created.GetProperty("name").GetString());
        Assert.Equal("umbrella.test", created.GetProperty("domain").GetString());
        var alice = (await set.Member.CreateContactOkAsync(slug, extra: new { firstName = "Alice", companyId = id })).GetProperty("id").GetGuid();
        await set.Member.CreateContactIdAsync(slug, "Unrelated");

        var got = await (await set.Viewer.Client.GetAsync($"{CrmApi.Companies(slug)}/{id}")).JsonAsync();
        var related = await (await set.Viewer.Client.GetAsync($"{CrmApi.Companies(slug)}/{id}/related")).JsonAsync();
        var put = await set.Member.Client.PutAsJsonAsync($"{CrmApi.Companies(slug)}/{id}", new { name = "Umbrella Corp", size = "1-10" });

        Assert.Equal("Pharma", got.GetProperty("industry").GetString());
        Assert.Equal([alice], related.GetProperty("contacts").EnumerateArray().Select(c => c.GetProperty("id").GetGuid()));
        Assert.Equal(1, related.GetProperty("contactCount").GetInt64());
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(JsonValueKind.Null, (await put.JsonAsync()).GetProperty("industry").ValueKind);

        Assert.Equal(HttpStatusCode.NoContent, (await set.Member.Client.DeleteAsync($"{CrmApi.Companies(slug)}/{id}")).StatusCode);
        await (await set.Viewer.Client.GetAsync($"{CrmApi.Companies(slug)}/{id}")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await set.Viewer.Client.GetAsync($"{CrmApi.Companies(slug)}/{id}/related")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        var contact = await (await set.Viewer.Client.GetAsync($"{CrmApi.Contacts(slug)}/{alice}")).JsonAsync();
        Assert.Equal(JsonValueKind.Null, contact.GetProperty("company").ValueKind);
        Assert.Equal("company.created,company.updated,company.deleted", await factory.ScalarAsync<string>(
            "select string_agg(action, ',' order by id) from organizations.audit_logs where org_id = @Id and entity_id = @Entity", new { set.Org.Id, Entity = id.ToString() }));
    }

    [Fact]
    public async Task Picker_and_pages_are_in_name_order_with_filters()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var slug = set.Org.Slug;
        foreach (var (name, industry, size) in new[] { ("beta", "Retail", "1-10"), ("Alpha", "Retail", "11-50"), ("gamma", "Energy", "1-10"), ("Alpha", "Energy", "1-10") })
        {
            await set.Member.CreateCompanyIdAsync(slug, name, industry, size);
        }

        var picker = await (await set.Viewer.Client.GetAsync($"{CrmApi.Companies(slug)}/picker")).JsonAsync();
        Assert.Equal(["Alpha", "Alpha", "beta", "gamma"], picker.EnumerateArray().Select(c => c.GetProperty("name").GetString()!));
        var prefixed = await (await set.Viewer.Client.GetAsync($"{CrmApi.Companies(slug)}/picker?search=AL")).JsonAsync();
        Assert.Equal(2, prefixed.GetArrayLength());

        var names = new List<string>();
        string? cursor = null;
        do
        {
            var page = await (await set.Viewer.Client.GetAsync($"{CrmApi.Companies(slug)}?limit=1" + (cursor is null ? string.Empty : "&cursor=" + Uri.EscapeDataString(cursor)))).JsonAsync();
            names.AddRange(page.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("name").GetString()!));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null && names.Count < 10);
        Assert.Equal(["Alpha", "Alpha", "beta", "gamma"], names);

        async Task<string[]> Names(string query) =>
            [.. (await (await set.Viewer.Client.GetAsync($"{CrmApi.Companies(slug)}?{query}")).JsonAsync()).GetProperty("items").EnumerateArray().Select(c => c.GetProperty("name").GetString()!)];
        Assert.Equal(["Alpha", "beta"], await Names("industry=Retail"));
        Assert.Equal(["Alpha", "beta", "gamma"], await Names("size=1-10"));
        Assert.Equal(["Alpha"], await Names("size=1-10&industry=Energy&search=a"));
        await (await set.Viewer.Client.GetAsync($"{CrmApi.Companies(slug)}?size=huge")).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
    }

    [Fact]
    public async Task Metadata_holds_only_the_orgs_custom_fields_of_the_right_type()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var slug = set.Org.Slug;
        foreach (var field in new object[]
        {
            new { key = "employees", label = "Employees", fieldType = "number" },
            new { key = "tier", label = "Tier", fieldType = "select", options = new[] { "gold", "silver" }, required = true },
            new { key = "founded", label = "Founded", fieldType = "date" },
        })
        {
            Assert.Equal(HttpStatusCode.Created, (await set.Admin.Client.PostAsJsonAsync($"/api/v1/orgs/{slug}/custom-fields", field)).StatusCode);
        }

        var duplicate = await set.Admin.Client.PostAsJsonAsync($"/api/v1/orgs/{slug}/custom-fields", new { key = "tier", label = "Again", fieldType = "text" });
        await duplicate.AssertProblemAsync(HttpStatusCode.Conflict, "conflict");

        var id = await set.Member.CreateCompanyIdAsync(slug, "Meta", metadata: new { tier = "gold", employees = 12, founded = "1999-12-31" });
        foreach (var (metadata, field) in new (object, string)[]
        {
            (new { tier = "bronze" }, "metadata.tier"),
            (new { employees = 5 }, "metadata.tier"),
            (new { tier = "gold", employees = "many" }, "metadata.employees"),
            (new { tier = "gold", founded = "1999-02-30" }, "metadata.founded"),
            (new { tier = "gold", shoeSize = 44 }, "metadata"),
            (new { tier = "gold\0" }, "metadata"),
        })
        {
            var response = await set.Member.Client.PutAsJsonAsync($"{CrmApi.Companies(slug)}/{id}", new { name = "Meta", metadata });
            var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        }

        var stored = await factory.ScalarAsync<string>("select metadata::text from crm.companies where id = @id", new { id });
        Assert.Equal("gold", JsonDocument.Parse(stored).RootElement.GetProperty("tier").GetString());
        var ok = await set.Member.Client.PutAsJsonAsync($"{CrmApi.Companies(slug)}/{id}", new { name = "Meta", metadata = new { tier = "silver" } });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("silver", (await ok.JsonAsync()).GetProperty("metadata").GetProperty("tier").GetString());
    }

    [Fact]
    public async Task Bad_company_input_is_a_400()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        foreach (var body in new object[]
        {
            new { name = "A\0" }, new { name = new string('n', 10_000) }, new { name = "" }, new { name = "A", domain = "not a domain" },
            new { name = "A", industry = new string('i', 10_000) }, new { name = "A", size = "huge" }, new { name = "A", metadata = new[] { 1 } },
        })
        {
            await (await set.Member.Client.PostAsJsonAsync(CrmApi.Companies(set.Org.Slug), body)).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        }

        Assert.Equal(0, await factory.ScalarAsync<long>("select count(*) from crm.companies where org_id = @Id", new { set.Org.Id }));
    }
}
