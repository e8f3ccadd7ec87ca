using System.Text.Json;

namespace OpsDash.Tests.Crm;

/// <summary>Keyset pagination of contacts: every row exactly once across pages, whatever the sort and however many ties.</summary>
public sealed class ContactPagingTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    [Theory]
    [InlineData("name", "asc")]
    [InlineData("name", "desc")]
    [InlineData("created", "asc")]
    [InlineData("created", "desc")]
    [InlineData("updated", "asc")]
    [InlineData("updated", "desc")]
    public async Task Every_contact_comes_exactly_once_across_pages_with_ties_on_the_sort_key(string sort, string order)
    {
        var set = await factory.CreateOrgWithRolesAsync();
        // 23 rows, one statement: equal created_at and updated_at, and only three distinct names.
        await factory.ExecuteOwnerAsync(
            """
            insert into crm.contacts (org_id, id, first_name, last_name)
            select @Id, gen_random_uuid(), (array['Zed', 'amy', 'Bob'])[1 + i % 3], 'Same' from generate_series(1, 23) i
            """,
            new { set.Org.Id });
        await set.Member.CreateContactIdAsync(set.Org.Slug, "Éclair");

        var seen = new List<JsonElement>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var url = $"{CrmApi.Contacts(set.Org.Slug)}?sort={sort}&order={order}&limit=5" + (cursor is null ? string.Empty : "&cursor=" + Uri.EscapeDataString(cursor));
            var page = await (await set.Viewer.Client.GetAsync(url)).JsonAsync();
            seen.AddRange(page.GetProperty("items").EnumerateArray());
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        }
        while (cursor is not null && pages < 20);

        Assert.Equal(24, seen.Count);
        Assert.Equal(24, seen.Select(c => c.GetProperty("id").GetGuid()).Distinct().Count());
        Assert.Equal(5, pages);
        if (sort == "name")
        {
            var names = seen.Select(c => c.GetProperty("firstName").GetString()!.ToLowerInvariant()).Where(n => n[0] < 128).ToList();
            var expected = order == "asc" ? names.Order(StringComparer.Ordinal) : names.OrderDescending(StringComparer.Ordinal);
            Assert.Equal(expected, names);
        }
    }

    [Fact]
    public async Task A_cursor_is_bound_to_its_sort()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        await factory.SeedContactsAsync(set.Org.Id, 3);
        var page = await (await set.Viewer.Client.GetAsync($"{CrmApi.Contacts(set.Org.Slug)}?sort=name&limit=1")).JsonAsync();
        var cursor = Uri.EscapeDataString(page.GetProperty("nextCursor").GetString()!);

        await (await set.Viewer.Client.GetAsync($"{CrmApi.Contacts(set.Org.Slug)}?sort=created&limit=1&cursor={cursor}"))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
    }

    [Fact]
    public async Task Filters_search_company_owner_tags_and_created_range()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var slug = set.Org.Slug;
        var company = await set.Member.CreateCompanyIdAsync(slug, "Globex");
        var hank = (await set.Member.CreateContactOkAsync(slug, extra: new { firstName = "Hank", lastName = "Scorpio", email = "hank@globex.test", companyId = company, tags = new[] { "villain", "ceo" } })).GetProperty("id").GetGuid();
        var homer = (await set.Member.CreateContactOkAsync(slug, extra: new { firstName = "Homer", lastName = "Simpson", phone = "555-0113", ownerUserId = set.Admin.Id, tags = new[] { "ceo" } })).GetProperty("id").GetGuid();
        var percent = (await set.Member.CreateContactOkAsync(slug, extra: new { firstName = "100%", lastName = "Pure" })).GetProperty("id").GetGuid();
        await factory.ExecuteOwnerAsync("update crm.contacts set created_at = '2020-01-01T00:00:00Z' where id = @percent", new { percent });

        async Task<Guid[]> Ids(string query) =>
            [.. (await (await set.Viewer.Client.GetAsync($"{CrmApi.Contacts(slug)}?sort=name&{query}")).JsonAsync())
                .GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetGuid())];

        Assert.Equal([hank, homer], await Ids("search=h"));
        Assert.Equal([homer], await Ids("search=SIMP"));          // last name prefix, any case
        Assert.Equal([hank], await Ids("search=hank%40glo"));     // email prefix
        Assert.Equal([homer], await Ids("search=555-01"));        // phone prefix
        Assert.Equal([homer], await Ids("search=homer%20s"));     // "first last"
        Assert.Equal([percent], await Ids("search=100%25"));      // wildcards are literal
        Assert.Empty(await Ids("search=_"));
        Assert.Equal([hank], await Ids($"companyId={company}"));
        Assert.Equal([homer], await Ids($"ownerUserId={set.Admin.Id}"));
        Assert.Equal([hank, homer], await Ids("tags=ceo"));
        Assert.Equal([hank], await Ids("tags=ceo,villain"));
        Assert.Equal([percent], await Ids("createdTo=2021-01-01"));
        Assert.Equal([hank, homer], await Ids("createdFrom=2021-01-01T00:00:00Z"));
    }
}
