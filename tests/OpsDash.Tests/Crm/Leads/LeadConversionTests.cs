using OpsDash.Tests.Crm.Deals;

namespace OpsDash.Tests.Crm.Leads;

/// <summary>POST /leads/{id}/convert: one contact, one deal, one event, once, even under a burst; limits and failures leave nothing.</summary>
public sealed class LeadConversionTests(CrmEventsFactory factory) : IClassFixture<CrmEventsFactory>
{
    [Fact]
    public async Task Converting_makes_exactly_one_contact_one_deal_and_one_event()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var slug = set.Org.Slug;
        var company = await set.Member.CreateCompanyIdAsync(slug, "Analytical Engines");
        var lead = (await set.Member.CreateLeadOkAsync(slug, new
        {
            name = "Ada King Lovelace", email = "ada@example.com", phone = "+44 1", companyName = "analytical engines", ownerUserId = set.Admin.Id,
        })).GetProperty("id").GetGuid();
        var stages = await set.Owner.StagesAsync(slug);

        var response = await set.Member.ConvertAsync(slug, lead, new { amount = 1200.50m, currency = "GBP", stageId = stages["Qualified"] });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();

        var contact = body.GetProperty("contact");
        var deal = body.GetProperty("deal");
        Assert.True(body.GetProperty("contactCreated").GetBoolean());
        Assert.Equal("Ada", contact.GetProperty("firstName").GetString());
        Assert.Equal("King Lovelace", contact.GetProperty("lastName").GetString());
        Assert.Equal(company, contact.GetProperty("companyId").GetGuid());
        Assert.Equal(set.Admin.Id, contact.GetProperty("ownerUserId").GetGuid());
        Assert.Equal("analytical engines", deal.GetProperty("title").GetString());
        Assert.Equal(stages["Qualified"], deal.GetProperty("stageId").GetGuid());
        Assert.Equal(1200.50m, deal.GetProperty("amount").GetDecimal());
        Assert.Equal(contact.GetProperty("id").GetGuid(), deal.GetProperty("contactId").GetGuid());
        Assert.Equal(company, deal.GetProperty("companyId").GetGuid());
        Assert.Equal("converted", body.GetProperty("lead").GetProperty("status").GetString());
        Assert.Equal(deal.GetProperty("id").GetGuid(), body.GetProperty("lead").GetProperty("convertedDealId").GetGuid());
        Assert.Equal("1,1,1", await factory.CountsAsync(set.Org.Id));

        var converted = Assert.Single(await factory.EventsAsync(set.Org.Id, "lead.converted"));
        Assert.Equal(lead, converted.GetProperty("leadId").GetGuid());
        Assert.Equal(contact.GetProperty("id").GetGuid(), converted.GetProperty("contactId").GetGuid());
        Assert.Equal(deal.GetProperty("id").GetGuid(), converted.GetProperty("dealId").GetGuid());
        Assert.Equal("Qualified", converted.GetProperty("stage").GetProperty("name").GetString());
        Assert.Equal(set.Member.Id, converted.GetProperty("actorUserId").GetGuid());
        Assert.Equal(contact.GetProperty("id").GetGuid(), Assert.Single(await factory.EventsAsync(set.Org.Id, "contact.created")).GetProperty("contactId").GetGuid());

        var again = await (await set.Admin.ConvertAsync(slug, lead)).AssertProblemAsync(HttpStatusCode.Conflict, "conflict");
        Assert.Equal("lead_already_converted", again.GetProperty("reason").GetString());
        await (await set.Member.Client.PutAsJsonAsync($"{LeadApi.Leads(slug)}/{lead}", new { name = "Ada", status = "new" })).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        Assert.Equal("1,1,1", await factory.CountsAsync(set.Org.Id));
        Assert.Single(await factory.EventsAsync(set.Org.Id, "lead.converted"));
    }

    [Fact]
    public async Task A_burst_of_concurrent_conversions_converts_once()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var lead = await set.Member.CreateLeadIdAsync(set.Org.Slug, "Raced Lead", "raced@example.com");

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => (i % 2 == 0 ? set.Member : set.Admin).ConvertAsync(set.Org.Slug, lead)));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
        {
            Assert.Equal("lead_already_converted", (await refused.AssertProblemAsync(HttpStatusCode.Conflict, "conflict")).GetProperty("reason").GetString());
        }

        Assert.Equal("1,1,1", await factory.CountsAsync(set.Org.Id));
        Assert.Single(await factory.EventsAsync(set.Org.Id, "lead.converted"));
    }

    [Fact]
    public async Task A_live_contact_with_the_leads_email_is_reused_not_duplicated()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var existing = await set.Member.CreateContactIdAsync(set.Org.Slug, "Known", "Person", "known@example.com");
        var lead = await set.Member.CreateLeadIdAsync(set.Org.Slug, "Known Person", "KNOWN@example.com");

        var body = await (await set.Member.ConvertAsync(set.Org.Slug, lead, new { dealTitle = "Upsell" })).JsonAsync();

        Assert.False(body.GetProperty("contactCreated").GetBoolean());
        Assert.Equal(existing, body.GetProperty("contact").GetProperty("id").GetGuid());
        Assert.Equal("Upsell", body.GetProperty("deal").GetProperty("title").GetString());
        Assert.Equal("Lead", body.GetProperty("deal").GetProperty("stageName").GetString());
        Assert.Equal("1,1,1", await factory.CountsAsync(set.Org.Id));
        Assert.Single(await factory.EventsAsync(set.Org.Id, "contact.created"));
        Assert.False(Assert.Single(await factory.EventsAsync(set.Org.Id, "lead.converted")).GetProperty("contactCreated").GetBoolean());
    }

    [Fact]
    public async Task A_conversion_over_the_contacts_cap_or_into_a_foreign_stage_leaves_the_lead_as_it_was()
    {
        var set = await factory.CreateOrgWithRolesAsync(); // free: 250 contacts
        var other = await factory.CreateOrgWithRolesAsync();
        var foreignStage = (await other.Owner.StagesAsync(other.Org.Slug))["Lead"];
        var lead = await set.Member.CreateLeadIdAsync(set.Org.Slug, "Capped", "capped@example.com");

        await (await set.Member.ConvertAsync(set.Org.Slug, lead, new { stageId = foreignStage })).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal("0,0,0", await factory.CountsAsync(set.Org.Id));

        await factory.SeedContactsAsync(set.Org.Id, 250);
        var refused = await (await set.Member.ConvertAsync(set.Org.Slug, lead)).AssertProblemAsync(HttpStatusCode.Forbidden, "limit_reached");
        Assert.Equal("crm:contacts", refused.GetProperty("feature").GetString());
        Assert.Equal("250,0,0", await factory.CountsAsync(set.Org.Id));
        Assert.Equal("new", (await (await set.Viewer.Client.GetAsync($"{LeadApi.Leads(set.Org.Slug)}/{lead}")).JsonAsync()).GetProperty("status").GetString());
        Assert.Empty(await factory.EventsAsync(set.Org.Id, "lead.converted"));
        Assert.Empty(await factory.EventsAsync(set.Org.Id, "contact.created"));
    }

    [Fact]
    public async Task Bad_conversion_input_is_a_400()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var lead = await set.Member.CreateLeadIdAsync(set.Org.Slug);
        foreach (var (field, body) in new (string, object)[]
                 {
                     ("dealTitle", new { dealTitle = new string('t', 10_000) }), ("dealTitle", new { dealTitle = "Nul\0" }),
                     ("amount", new { amount = -1m }), ("amount", new { amount = 1.001m }), ("currency", new { currency = "euro" }),
                 })
        {
            var problem = await (await set.Member.ConvertAsync(set.Org.Slug, lead, body)).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        }

        Assert.Equal("0,0,0", await factory.CountsAsync(set.Org.Id));
    }
}
