using Microsoft.Extensions.DependencyInjection;
using OpsDash.Modules.Organizations.Contracts;
using OpsDash.SharedKernel.Database;

namespace OpsDash.Tests.Organizations;

/// <summary>IOrganizationDirectory, the Organizations contract other modules call, answers only what the caller may see.</summary>
public sealed class OrganizationDirectoryTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    [Fact]
    public async Task A_member_finds_the_org_and_nothing_of_a_strangers_or_a_deleted_one()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var stranger = await factory.CreateStrangerAsync();
        var deleted = await set.Viewer.CreateTeamOrgAsync();
        await factory.ExecuteOwnerAsync("update organizations.organizations set deleted_at = now() where id = @Id", new { deleted.Id });

        var (own, foreign, gone, name) = await AsUserAsync(set.Viewer, async directory => (
            await directory.FindAsync(set.Org.Id),
            await directory.FindAsync(stranger.Org.Id),
            await directory.FindAsync(deleted.Id),
            await directory.CallerDisplayNameAsync()));

        Assert.Equal(new OrganizationSummary(set.Org.Id, set.Org.Slug, set.Org.Name, "team", set.Owner.Id), own);
        Assert.Null(foreign);
        Assert.Null(gone);
        Assert.Equal("viewer", name);
    }

    private async Task<T> AsUserAsync<T>(TestUser user, Func<IOrganizationDirectory, Task<T>> read)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<TenantContext>().SetUserAsync(user.Id);
        var db = scope.ServiceProvider.GetRequiredService<DbSession>();
        db.BeginUnitOfWork();
        try
        {
            return await read(scope.ServiceProvider.GetRequiredService<IOrganizationDirectory>());
        }
        finally
        {
            await db.RollbackAsync();
            db.EndUnitOfWork();
        }
    }
}
