using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpsDash.SharedKernel.Database;
using OpsDash.SharedKernel.Tenancy;

namespace OpsDash.Tests.Foundation;

/// <summary>
/// The org entry that rides with a request's first statement (ADR 0025): the Host remembers which org a caller's
/// slug named and passes that id to the statement, and <c>organizations.enter_request_as</c> checks membership,
/// role and the slug again before the statement runs. Whatever changed since, the request sees it.
/// </summary>
public sealed class DeferredOrgEntryTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    [Fact]
    public async Task A_refused_entry_keeps_the_statement_sent_with_it_from_running()
    {
        var user = await factory.SignUpAsync();
        var stranger = await factory.CreateStrangerAsync();

        foreach (var (slug, orgId) in new[] { (user.PersonalSlug, Guid.NewGuid()), (stranger.Org.Slug, stranger.Org.Id) })
        {
            await using var scope = factory.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<TenantContext>().SetUserAsync(user.Id);
            var db = scope.ServiceProvider.GetRequiredService<DbSession>();
            db.BeginUnitOfWork(read: true);
            db.DeferOrgEntry(slug, orgId, _ => Assert.Fail("entered"));

            // Had the statement run, PostgreSQL would have answered division_by_zero.
            await Assert.ThrowsAsync<OrgEntryRefusedException>(() => db.QuerySingleAsync<int>("select 1 / 0"));
            await db.RollbackAsync();
            db.EndUnitOfWork();
        }
    }

    [Fact]
    public async Task A_member_removed_after_the_host_learned_the_org_gets_404_and_writes_nothing()
    {
        var roles = await factory.CreateOrgWithRolesAsync();
        var memberId = await factory.MemberIdAsync(roles.Org, roles.Member);
        await AssertStatusAsync(HttpStatusCode.OK, await roles.Member.Client.GetAsync($"/api/v1/orgs/{roles.Org.Slug}/contacts"));

        await AssertStatusAsync(HttpStatusCode.NoContent, await roles.Owner.Client.DeleteAsync($"/api/v1/orgs/{roles.Org.Slug}/members/{memberId}"));

        await AssertStatusAsync(HttpStatusCode.NotFound, await roles.Member.Client.GetAsync($"/api/v1/orgs/{roles.Org.Slug}/contacts"));
        await AssertStatusAsync(
            HttpStatusCode.NotFound,
            await roles.Member.Client.PostAsJsonAsync($"/api/v1/orgs/{roles.Org.Slug}/contacts", new { firstName = "Late", lastName = "Write" }));
        Assert.Equal(0L, await factory.ScalarAsync<long>("select count(*) from crm.contacts where org_id = @Id", new { roles.Org.Id }));
    }

    [Fact]
    public async Task A_member_made_viewer_after_the_host_learned_the_org_is_refused_by_the_entry_and_writes_nothing()
    {
        var roles = await factory.CreateOrgWithRolesAsync();
        await AssertStatusAsync(HttpStatusCode.OK, await roles.Member.Client.GetAsync($"/api/v1/orgs/{roles.Org.Slug}/contacts"));
        await using (var owner = await factory.OpenOwnerAsync())
        {
            await owner.ExecuteAsync(
                "update members.org_members set role = 'viewer' where org_id = @OrgId and user_id = @UserId", new { OrgId = roles.Org.Id, UserId = roles.Member.Id });
        }

        var response = await roles.Member.Client.PostAsJsonAsync($"/api/v1/orgs/{roles.Org.Slug}/contacts", new { firstName = "Not", lastName = "Allowed" });

        await TestUsers.AssertProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(0L, await factory.ScalarAsync<long>("select count(*) from crm.contacts where org_id = @Id", new { roles.Org.Id }));
    }

    [Fact]
    public async Task A_slug_that_names_another_of_the_callers_orgs_now_is_served_for_that_org()
    {
        var user = await factory.SignUpAsync();
        var personal = await user.Client.GetFromJsonAsync<JsonElement>($"/api/v1/orgs/{user.PersonalSlug}");
        var first = new TestOrg(personal.GetProperty("id").GetGuid(), user.PersonalSlug, personal.GetProperty("name").GetString()!);
        var second = await user.CreateTeamOrgAsync("Second");
        await using (var owner = await factory.OpenOwnerAsync())
        {
            // The app never gives a slug to another org (organizations.slugs keeps every claim), but a DBA may
            // hand them over: the two orgs swap slugs. The Host must not trust what it remembered.
            await owner.ExecuteAsync(
                """
                update organizations.organizations set slug = @Temp where id = @First;
                update organizations.slugs set org_id = @Second where slug = @FirstSlug;
                update organizations.organizations set slug = @FirstSlug where id = @Second;
                update organizations.slugs set org_id = @First where slug = @SecondSlug;
                update organizations.organizations set slug = @SecondSlug where id = @First;
                """,
                new { Temp = TenantKit.UniqueSlug("swap"), First = first.Id, Second = second.Id, FirstSlug = first.Slug, SecondSlug = second.Slug });
        }

        var response = await user.Client.GetAsync($"/api/v1/orgs/{first.Slug}");

        await AssertStatusAsync(HttpStatusCode.OK, response);
        var org = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(second.Id, org.GetProperty("id").GetGuid());
        Assert.Equal("Second", org.GetProperty("name").GetString());
    }

    private static async Task AssertStatusAsync(HttpStatusCode expected, HttpResponseMessage response) =>
        Assert.True(expected == response.StatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
}
