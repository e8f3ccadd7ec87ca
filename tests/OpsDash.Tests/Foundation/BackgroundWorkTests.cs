using Microsoft.Extensions.DependencyInjection;
using OpsDash.SharedKernel.Database;

namespace OpsDash.Tests.Foundation;

public sealed class BackgroundWorkTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    private const string VisibleOrgsSql = "select id from organizations.organizations";

    [Fact]
    public async Task An_org_job_sees_that_org_only()
    {
        var a = await factory.SignUpAsync("a");
        await factory.SignUpAsync("b");
        var aOrg = await PersonalOrgIdAsync(a);
        IEnumerable<Guid> visible = [];

        await Scopes.RunForOrgAsync(aOrg, async services =>
            visible = await services.GetRequiredService<DbSession>().QueryAsync<Guid>(VisibleOrgsSql));

        Assert.Equal([aOrg], visible);
    }

    [Fact]
    public async Task A_system_job_without_an_org_sees_no_tenant_rows_but_can_read_the_outbox()
    {
        await factory.SignUpAsync();
        await using (var owner = await factory.OpenOwnerAsync())
        {
            await owner.ExecuteAsync("insert into core.outbox_messages (type, payload) values ('email.test', '{}')");
        }

        IEnumerable<Guid> orgs = [];
        long outbox = 0;
        await Scopes.RunAsSystemAsync(async services =>
        {
            var db = services.GetRequiredService<DbSession>();
            orgs = await db.QueryAsync<Guid>(VisibleOrgsSql);
            outbox = await db.ExecuteScalarAsync<long>("select count(*) from core.outbox_messages where type = 'email.test'");
        });

        Assert.Empty(orgs);
        Assert.Equal(1, outbox);
    }

    [Fact]
    public async Task A_job_that_throws_is_rolled_back()
    {
        var user = await factory.SignUpAsync();
        var org = await PersonalOrgIdAsync(user);

        await Assert.ThrowsAsync<InvalidOperationException>(() => Scopes.RunForOrgAsync(org, async services =>
        {
            await services.GetRequiredService<DbSession>().ExecuteAsync(
                "update organizations.organizations set name = 'changed by a failed job' where id = @org", new { org });
            throw new InvalidOperationException("job failed midway");
        }));

        await using var owner = await factory.OpenOwnerAsync();
        Assert.NotEqual("changed by a failed job", await owner.ExecuteScalarAsync<string>("select name from organizations.organizations where id = @org", new { org }));
    }

    private IServiceScopeFactory Scopes => factory.Services.GetRequiredService<IServiceScopeFactory>();

    private async Task<Guid> PersonalOrgIdAsync(TestUser user)
    {
        await using var owner = await factory.OpenOwnerAsync();
        return await owner.ExecuteScalarAsync<Guid>("select id from organizations.organizations where billing_owner_user_id = @Id and type = 'personal'", new { user.Id });
    }
}
