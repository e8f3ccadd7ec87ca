using OpsDash.Host.Setup;

namespace OpsDash.Tests.Crm;

/// <summary><c>./run.sh seed</c>: fills the named org (small numbers here) and adds only what is missing when run again.</summary>
public sealed class SeedCommandTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    [Fact]
    public async Task Seed_fills_the_org_with_contacts_linked_to_companies_and_is_repeatable()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var other = await factory.CreateStrangerAsync();

        Assert.True(await SeedCommand.SeedAsync(factory.OwnerConnectionString, new SeedCommand.Options(null, set.Org.Slug, 30, 5, Deals: 10, Parallel: 2), TextWriter.Null));
        Assert.True(await SeedCommand.SeedAsync(factory.OwnerConnectionString, new SeedCommand.Options(null, set.Org.Slug, 40, 5, Deals: 12, Parallel: 3), TextWriter.Null));

        Assert.Equal(40, await factory.LiveContactsAsync(set.Org.Id));
        Assert.Equal(5, await factory.ScalarAsync<long>("select count(*) from crm.companies where org_id = @Id", new { set.Org.Id }));
        Assert.Equal(13, await factory.ScalarAsync<long>("select count(*) from crm.contacts where org_id = @Id and company_id is not null", new { set.Org.Id }));
        Assert.Equal(20, await factory.ScalarAsync<long>("select count(*) from crm.contacts where org_id = @Id and owner_user_id = @OwnerId", new { set.Org.Id, OwnerId = set.Owner.Id }));
        Assert.Equal(0, await factory.LiveContactsAsync(other.Org.Id));
        Assert.Equal("12,12,6", await factory.ScalarAsync<string>(
            """
            select concat_ws(',', count(*), (select count(*) from crm.deal_stage_history h where h.org_id = @Id), count(*) filter (where contact_id is not null))
              from crm.deals where org_id = @Id
            """,
            new { set.Org.Id }));

        // What the app shows: the list endpoint reads the seeded rows under RLS.
        var list = await (await set.Member.Client.GetAsync($"{CrmApi.Contacts(set.Org.Slug)}?limit=50")).JsonAsync();
        Assert.Equal(40, list.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Demo_seed_goes_to_the_users_personal_org()
    {
        var user = await factory.SignUpAsync("demo");
        var personal = await factory.ScalarAsync<Guid>(
            "select id from organizations.organizations where billing_owner_user_id = @Id and type = 'personal'", new { user.Id });

        Assert.True(await SeedCommand.SeedAsync(factory.OwnerConnectionString, new SeedCommand.Options(user.Email, null, 60, 12, 24, 30), TextWriter.Null));
        Assert.False(await SeedCommand.SeedAsync(factory.OwnerConnectionString, new SeedCommand.Options("nobody@example.test", null, 1, 1), TextWriter.Null));

        Assert.Equal(60, await factory.LiveContactsAsync(personal));

        // Every CRM screen has something to show: deals in every stage, activities, and at-risk deals.
        var slug = await factory.ScalarAsync<string>("select slug from organizations.organizations where id = @personal", new { personal });
        var deals = await (await user.Client.GetAsync($"/api/v1/orgs/{slug}/deals?limit=50")).JsonAsync();
        Assert.Equal(24, deals.GetProperty("items").GetArrayLength());
        Assert.Equal(6, deals.GetProperty("items").EnumerateArray().Select(d => d.GetProperty("stageId").GetGuid()).Distinct().Count());
        var activities = await (await user.Client.GetAsync($"/api/v1/orgs/{slug}/activities?limit=50")).JsonAsync();
        Assert.Equal(24, activities.GetProperty("items").GetArrayLength());
        var atRisk = await (await user.Client.GetAsync($"/api/v1/orgs/{slug}/deals/at-risk")).JsonAsync();
        Assert.NotEmpty(atRisk.GetProperty("items").EnumerateArray());
    }
}
