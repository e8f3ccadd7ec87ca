namespace OpsDash.Tests.Crm;

/// <summary>Each role on each CRM write, and what is in the database afterwards; every role reads.</summary>
public sealed class CrmRoleMatrixTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    [Theory]
    [InlineData("owner", true)]
    [InlineData("admin", true)]
    [InlineData("member", true)]
    [InlineData("viewer", false)]
    public async Task Everyone_but_viewers_writes_contacts_and_companies(string role, bool allowed)
    {
        var set = await factory.CreateOrgWithRolesAsync("pro");
        var (slug, caller) = (set.Org.Slug, set.For(role));
        var contact = await set.Owner.CreateContactIdAsync(slug, "Target");
        var doomed = await set.Owner.CreateContactIdAsync(slug, "Doomed");
        var bulk = await set.Owner.CreateContactIdAsync(slug, "Bulk");
        var company = await set.Owner.CreateCompanyIdAsync(slug, "Target Co");
        var doomedCompany = await set.Owner.CreateCompanyIdAsync(slug, "Doomed Co");

        var responses = new[]
        {
            await caller.CreateContactAsync(slug, new { firstName = "New " + role }),
            await caller.Client.PutAsJsonAsync($"{CrmApi.Contacts(slug)}/{contact}", new { firstName = "Changed" }),
            await caller.Client.DeleteAsync($"{CrmApi.Contacts(slug)}/{doomed}"),
            await caller.Client.PostAsJsonAsync($"{CrmApi.Contacts(slug)}/bulk-update", new { ids = new[] { bulk }, addTags = new[] { "bulk" } }),
            await caller.Client.PostAsJsonAsync($"{CrmApi.Contacts(slug)}/bulk-delete", new { ids = new[] { bulk } }),
            await caller.Client.PostAsJsonAsync(CrmApi.Companies(slug), new { name = "New Co " + role }),
            await caller.Client.PutAsJsonAsync($"{CrmApi.Companies(slug)}/{company}", new { name = "Changed Co" }),
            await caller.Client.DeleteAsync($"{CrmApi.Companies(slug)}/{doomedCompany}"),
        };
        foreach (var read in new[] { CrmApi.Contacts(slug), $"{CrmApi.Contacts(slug)}/{contact}", CrmApi.Companies(slug), $"{CrmApi.Companies(slug)}/picker", $"{CrmApi.Companies(slug)}/{company}", $"{CrmApi.Companies(slug)}/{company}/related", $"/api/v1/orgs/{slug}/custom-fields" })
        {
            Assert.Equal(HttpStatusCode.OK, (await caller.Client.GetAsync(read)).StatusCode);
        }

        var state = await factory.ScalarAsync<string>(
            """
            select concat_ws(',',
                (select count(*) from crm.contacts where org_id = @Id and first_name like 'New %'),
                (select first_name from crm.contacts where id = @contact),
                (select deleted_at is not null from crm.contacts where id = @doomed),
                (select deleted_at is not null from crm.contacts where id = @bulk),
                (select count(*) from crm.companies where org_id = @Id and name like 'New Co %'),
                (select name from crm.companies where id = @company),
                (select deleted_at is not null from crm.companies where id = @doomedCompany))
            """,
            new { set.Org.Id, contact, doomed, bulk, company, doomedCompany });
        if (allowed)
        {
            Assert.All(responses, r => Assert.True(r.IsSuccessStatusCode, $"{r.RequestMessage!.Method} {r.RequestMessage.RequestUri}: {(int)r.StatusCode}"));
            Assert.Equal("1,Changed,t,t,1,Changed Co,t", state);
        }
        else
        {
            foreach (var response in responses)
            {
                await response.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
            }

            Assert.Equal("0,Target,f,f,0,Target Co,f", state);
        }
    }

    [Theory]
    [InlineData("owner", true)]
    [InlineData("admin", true)]
    [InlineData("member", false)]
    [InlineData("viewer", false)]
    public async Task Only_owners_and_admins_define_custom_fields(string role, bool allowed)
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var caller = set.For(role);
        var existing = await (await set.Owner.Client.PostAsJsonAsync($"/api/v1/orgs/{set.Org.Slug}/custom-fields", new { key = "existing", label = "Existing", fieldType = "text" })).JsonAsync();

        var create = await caller.Client.PostAsJsonAsync($"/api/v1/orgs/{set.Org.Slug}/custom-fields", new { key = "tier", label = "Tier", fieldType = "text" });
        var delete = await caller.Client.DeleteAsync($"/api/v1/orgs/{set.Org.Slug}/custom-fields/{existing.GetProperty("id").GetGuid()}");

        var keys = await factory.ScalarAsync<string>("select coalesce(string_agg(key, ',' order by key), '') from crm.custom_fields where org_id = @Id", new { set.Org.Id });
        if (allowed)
        {
            Assert.Equal(HttpStatusCode.Created, create.StatusCode);
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
            Assert.Equal("tier", keys);
        }
        else
        {
            await create.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
            await delete.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
            Assert.Equal("existing", keys);
        }
    }
}
