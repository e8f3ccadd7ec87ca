namespace OpsDash.Tests.Crm;

/// <summary>Bulk update and delete on a Pro org: all or nothing, one event per changed contact.</summary>
public sealed class BulkContactTests(CrmEventsFactory factory) : IClassFixture<CrmEventsFactory>
{
    [Fact]
    public async Task Bulk_update_changes_every_contact_and_publishes_what_changed()
    {
        var set = await factory.CreateOrgWithRolesAsync("pro");
        var slug = set.Org.Slug;
        var company = await set.Member.CreateCompanyIdAsync(slug, "Hooli");
        var a = (await set.Member.CreateContactOkAsync(slug, extra: new { firstName = "A", tags = new[] { "old", "keep" } })).GetProperty("id").GetGuid();
        var b = (await set.Member.CreateContactOkAsync(slug, extra: new { firstName = "B", companyId = company, tags = new[] { "new" } })).GetProperty("id").GetGuid();

        var response = await set.Member.Client.PostAsJsonAsync($"{CrmApi.Contacts(slug)}/bulk-update", new
        {
            ids = new[] { a, b, a }, companyId = company, ownerUserId = set.Admin.Id, addTags = new[] { "new" }, removeTags = new[] { "old" },
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, (await response.JsonAsync()).GetProperty("updated").GetInt32());
        Assert.Equal(["keep", "new"], await factory.ScalarAsync<string[]>("select tags from crm.contacts where id = @a", new { a }));
        Assert.Equal(2, await factory.ScalarAsync<long>("select count(*) from crm.contacts where owner_user_id = @Id and company_id = @company", new { set.Admin.Id, company }));
        var events = (await factory.EventsAsync(set.Org.Id, "contact.updated")).ToDictionary(e => e.GetProperty("contactId").GetGuid());
        Assert.Equal(["companyId", "ownerUserId", "tags"], events[a].GetProperty("changedFields").EnumerateArray().Select(f => f.GetString()!));
        Assert.Equal(["ownerUserId"], events[b].GetProperty("changedFields").EnumerateArray().Select(f => f.GetString()!));
    }

    [Fact]
    public async Task An_unknown_or_foreign_id_fails_the_whole_bulk_action_and_changes_nothing()
    {
        var set = await factory.CreateOrgWithRolesAsync("pro");
        var stranger = await factory.CreateStrangerAsync("pro");
        var mine = await set.Member.CreateContactIdAsync(set.Org.Slug, "Mine");
        var theirs = await stranger.User.CreateContactIdAsync(stranger.Org.Slug, "Theirs");

        foreach (var ids in new[] { new[] { mine, theirs }, [mine, Guid.NewGuid()] })
        {
            await (await set.Member.Client.PostAsJsonAsync($"{CrmApi.Contacts(set.Org.Slug)}/bulk-update", new { ids, addTags = new[] { "x" } }))
                .AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
            await (await set.Member.Client.PostAsJsonAsync($"{CrmApi.Contacts(set.Org.Slug)}/bulk-delete", new { ids }))
                .AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        }

        Assert.Equal(0, await factory.ScalarAsync<long>(
            "select count(*) from crm.contacts where id in (@mine, @theirs) and (deleted_at is not null or cardinality(tags) > 0)", new { mine, theirs }));
        Assert.Empty(await factory.EventsAsync(set.Org.Id, "contact.updated"));
        Assert.Empty(await factory.EventsAsync(stranger.Org.Id, "contact.updated"));
    }

    [Fact]
    public async Task Bulk_delete_soft_deletes_all_and_frees_the_count()
    {
        var set = await factory.CreateOrgWithRolesAsync("pro");
        var ids = new[] { await set.Member.CreateContactIdAsync(set.Org.Slug, "X"), await set.Member.CreateContactIdAsync(set.Org.Slug, "Y") };

        var response = await set.Member.Client.PostAsJsonAsync($"{CrmApi.Contacts(set.Org.Slug)}/bulk-delete", new { ids });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, await factory.LiveContactsAsync(set.Org.Id));
        Assert.Equal(2, await factory.ScalarAsync<long>("select count(*) from crm.contacts where org_id = @Id", new { set.Org.Id }));
        Assert.Equal(1, await factory.ScalarAsync<long>("select count(*) from organizations.audit_logs where org_id = @Id and action = 'contact.bulk_deleted'", new { set.Org.Id }));
    }

    [Fact]
    public async Task Bulk_bodies_are_validated()
    {
        var set = await factory.CreateOrgWithRolesAsync("pro");
        var url = $"{CrmApi.Contacts(set.Org.Slug)}/bulk-update";
        await (await set.Member.Client.PostAsJsonAsync(url, new { ids = Array.Empty<Guid>(), addTags = new[] { "x" } })).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        await (await set.Member.Client.PostAsJsonAsync(url, new { ids = new[] { Guid.NewGuid() } })).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        await (await set.Member.Client.PostAsJsonAsync(url, new { ids = Enumerable.Range(0, 101).Select(_ => Guid.NewGuid()), addTags = new[] { "x" } }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        await (await set.Member.Client.PostAsJsonAsync(url, new { ids = new[] { Guid.NewGuid() }, addTags = new[] { "a\0" } })).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
    }
}
