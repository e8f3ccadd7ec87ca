using System.Text.Json;

namespace OpsDash.Tests.Crm;

/// <summary>Contacts over HTTP: create, read, update, soft-delete, their audit rows, events and plan usage.</summary>
public sealed class ContactTests(CrmEventsFactory factory) : IClassFixture<CrmEventsFactory>
{
    [Fact]
    public async Task Create_get_update_delete_round_trip_with_audit_rows()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var (org, member) = (set.Org, set.Member);
        var company = await member.CreateCompanyIdAsync(org.Slug, "Initech");

        var created = await member.CreateContactOkAsync(org.Slug, extra: new
        {
            firstName = " Grace ", lastName = "Hopper", email = "Grace@Example.TEST", phone = "+1 555 0100", title = "Rear Admiral",
            companyId = company, ownerUserId = set.Admin.Id, tags = new[] { "vip", "navy", "vip" },
        });
        var id = created.GetProperty("id").GetGuid();
        Assert.Equal("Grace", created.GetProperty("firstName").GetString());
        Assert.Equal("grace@example.test", created.GetProperty("email").GetString());
        Assert.Equal(["vip", "navy"], created.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!));

        var got = await (await member.Client.GetAsync($"{CrmApi.Contacts(org.Slug)}/{id}")).JsonAsync();
        Assert.Equal("Initech", got.GetProperty("company").GetProperty("name").GetString());
        Assert.Equal(set.Admin.Email, got.GetProperty("owner").GetProperty("email").GetString());
        Assert.Equal("Hopper", got.GetProperty("contact").GetProperty("lastName").GetString());

        var put = await member.Client.PutAsJsonAsync($"{CrmApi.Contacts(org.Slug)}/{id}", new { firstName = "Grace", lastName = "Brewster Hopper", email = "grace@example.test" });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var updated = await put.JsonAsync();
        Assert.Equal("Brewster Hopper", updated.GetProperty("lastName").GetString());
        Assert.Equal(JsonValueKind.Null, updated.GetProperty("companyId").ValueKind);

        Assert.Equal(HttpStatusCode.NoContent, (await member.Client.DeleteAsync($"{CrmApi.Contacts(org.Slug)}/{id}")).StatusCode);
        await (await member.Client.GetAsync($"{CrmApi.Contacts(org.Slug)}/{id}")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await member.Client.DeleteAsync($"{CrmApi.Contacts(org.Slug)}/{id}")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        var list = await (await member.Client.GetAsync(CrmApi.Contacts(org.Slug))).JsonAsync();
        Assert.DoesNotContain(list.GetProperty("items").EnumerateArray(), c => c.GetProperty("id").GetGuid() == id);
        Assert.NotNull(await factory.ScalarAsync<DateTime?>("select deleted_at from crm.contacts where id = @id", new { id }));

        var actions = await factory.ScalarAsync<string>(
            "select string_agg(action, ',' order by id) from organizations.audit_logs where org_id = @Id and entity_id = @Entity",
            new { org.Id, Entity = id.ToString() });
        Assert.Equal("contact.created,contact.updated,contact.deleted", actions);
    }

    [Fact]
    public async Task Events_are_written_in_the_same_transaction_with_the_changed_fields()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var (org, member) = (set.Org, set.Member);
        var id = await member.CreateContactIdAsync(org.Slug, "Alan", "Turing", "alan@example.test");

        var same = await member.Client.PutAsJsonAsync($"{CrmApi.Contacts(org.Slug)}/{id}", new { firstName = "Alan", lastName = "Turing", email = "ALAN@example.test" });
        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
        var changed = await member.Client.PutAsJsonAsync(
            $"{CrmApi.Contacts(org.Slug)}/{id}", new { firstName = "Alan", lastName = "Turing", email = "alan@bletchley.test", tags = new[] { "math" } });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var rejected = await member.CreateContactAsync(org.Slug, new { firstName = "Copy", email = "alan@bletchley.test" }); // same email: rolled back

        await rejected.AssertProblemAsync(HttpStatusCode.Conflict, "conflict");
        var createdEvents = await factory.EventsAsync(org.Id, "contact.created");
        var createdEvent = Assert.Single(createdEvents);
        Assert.Equal(id, createdEvent.GetProperty("contactId").GetGuid());
        Assert.Equal(member.Id, createdEvent.GetProperty("actorUserId").GetGuid());
        Assert.Equal("alan@example.test", createdEvent.GetProperty("contact").GetProperty("email").GetString());

        var updatedEvent = Assert.Single(await factory.EventsAsync(org.Id, "contact.updated"));
        Assert.Equal(["email", "tags"], updatedEvent.GetProperty("changedFields").EnumerateArray().Select(f => f.GetString()!));
        Assert.Equal("alan@example.test", updatedEvent.GetProperty("before").GetProperty("email").GetString());
        Assert.Equal("alan@bletchley.test", updatedEvent.GetProperty("after").GetProperty("email").GetString());
        Assert.Equal(1, await factory.LiveContactsAsync(org.Id));
    }

    public static TheoryData<string, object> BadBodies => new()
    {
        { "firstName", new { firstName = "A\0B" } },
        { "firstName", new { firstName = new string('x', 10_000) } },
        { "firstName", new { firstName = "" } },
        { "lastName", new { firstName = "A", lastName = new string('x', 10_000) } },
        { "email", new { firstName = "A", email = "not-an-email" } },
        { "email", new { firstName = "A", email = "a b@example.test" } },
        { "email", new { firstName = "A", email = "a\0@example.test" } },
        { "phone", new { firstName = "A", phone = new string('1', 10_000) } },
        { "title", new { firstName = "A", title = "T\0" } },
        { "tags", new { firstName = "A", tags = new[] { new string('t', 51) } } },
        { "tags", new { firstName = "A", tags = Enumerable.Range(0, 21).Select(i => $"t{i}").ToArray() } },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_input_is_a_400_naming_the_field_and_writes_nothing(string field, object body)
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var id = await set.Member.CreateContactIdAsync(set.Org.Slug, "Keep");

        var create = await set.Member.CreateContactAsync(set.Org.Slug, body);
        var update = await set.Member.Client.PutAsJsonAsync($"{CrmApi.Contacts(set.Org.Slug)}/{id}", body);

        foreach (var response in new[] { create, update })
        {
            var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        }

        Assert.Equal(1, await factory.LiveContactsAsync(set.Org.Id));
        Assert.Equal("Keep", await factory.ScalarAsync<string>("select first_name from crm.contacts where id = @id", new { id }));
    }

    [Fact]
    public async Task Bad_list_parameters_are_400s()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        foreach (var query in new[] { "?search=a%00b", "?search=" + new string('x', 10_000), "?sort=email", "?order=up", "?limit=0", "?cursor=garbage", "?companyId=x", "?createdFrom=yesterday" })
        {
            await (await set.Viewer.Client.GetAsync(CrmApi.Contacts(set.Org.Slug) + query)).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        }
    }

    [Fact]
    public async Task The_owner_must_be_a_member_and_the_company_a_live_one_of_the_org()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var stranger = await factory.CreateStrangerAsync();
        var theirCompany = await stranger.User.CreateCompanyIdAsync(stranger.Org.Slug, "Theirs");
        var deleted = await set.Member.CreateCompanyIdAsync(set.Org.Slug, "Gone");
        Assert.Equal(HttpStatusCode.NoContent, (await set.Member.Client.DeleteAsync($"{CrmApi.Companies(set.Org.Slug)}/{deleted}")).StatusCode);

        await (await set.Member.CreateContactAsync(set.Org.Slug, new { firstName = "A", ownerUserId = stranger.User.Id })).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await set.Member.CreateContactAsync(set.Org.Slug, new { firstName = "A", companyId = theirCompany })).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await set.Member.CreateContactAsync(set.Org.Slug, new { firstName = "A", companyId = deleted })).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        var owned = await set.Member.CreateContactOkAsync(set.Org.Slug, extra: new { firstName = "Owned", ownerUserId = set.Viewer.Id });

        Assert.Equal(0, await factory.ScalarAsync<long>("select count(*) from crm.contacts where org_id = @Id and first_name = 'A'", new { set.Org.Id }));
        // A member who leaves stops owning contacts; the contacts stay.
        await factory.ExecuteOwnerAsync("delete from members.org_members where org_id = @Id and user_id = @UserId", new { set.Org.Id, UserId = set.Viewer.Id });
        Assert.Null(await factory.ScalarAsync<Guid?>("select owner_user_id from crm.contacts where id = @id", new { id = owned.GetProperty("id").GetGuid() }));
    }

    [Fact]
    public async Task Plan_counts_live_contacts_and_companies()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var a = await set.Member.CreateContactIdAsync(set.Org.Slug, "A");
        await set.Member.CreateContactIdAsync(set.Org.Slug, "B");
        await set.Member.CreateCompanyIdAsync(set.Org.Slug, "C");
        Assert.Equal(HttpStatusCode.NoContent, (await set.Member.Client.DeleteAsync($"{CrmApi.Contacts(set.Org.Slug)}/{a}")).StatusCode);

        var plan = await (await set.Viewer.Client.GetAsync($"/api/v1/orgs/{set.Org.Slug}/plan")).JsonAsync();
        var features = plan.GetProperty("features").EnumerateArray().ToDictionary(f => f.GetProperty("featureKey").GetString()!);

        Assert.Equal(1, features["crm:contacts"].GetProperty("used").GetInt64());
        Assert.Equal(250, features["crm:contacts"].GetProperty("limit").GetInt64());
        Assert.Equal(1, features["crm:companies"].GetProperty("used").GetInt64());
        Assert.Equal(0, features["crm:deals"].GetProperty("used").GetInt64());
    }
}
