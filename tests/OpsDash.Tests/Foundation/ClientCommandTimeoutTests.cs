using OpsDash.Tests.Crm;

namespace OpsDash.Tests.Foundation;

/// <summary>
/// When Npgsql's own command timeout ends a statement before PostgreSQL's statement_timeout does, the client gets
/// the same documented 503 as a statement timeout, never a 500, and nothing is kept. Here the app connection's
/// command timeout is 1 s and a row lock makes an update wait longer.
/// </summary>
public sealed class ClientCommandTimeoutTests(ClientCommandTimeoutTests.ShortCommandTimeoutFactory factory)
    : IClassFixture<ClientCommandTimeoutTests.ShortCommandTimeoutFactory>
{
    [Fact]
    public async Task A_client_side_command_timeout_is_a_503_statement_timeout_that_keeps_nothing()
    {
        var set = await factory.CreateOrgWithRolesAsync("pro");
        var locked = await set.Member.CreateContactIdAsync(set.Org.Slug, "Locked");
        await using var owner = await factory.OpenOwnerAsync();
        await using var tx = await owner.BeginTransactionAsync();
        await owner.ExecuteAsync("select 1 from crm.contacts where id = @locked for update", new { locked }, tx);

        var update = await set.Member.Client.PutAsJsonAsync($"{CrmApi.Contacts(set.Org.Slug)}/{locked}", new { firstName = "Renamed" });
        await update.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "statement_timeout");
        await tx.RollbackAsync();

        Assert.Equal("Locked", await factory.ScalarAsync<string>("select first_name from crm.contacts where id = @locked", new { locked }));
    }

    public sealed class ShortCommandTimeoutFactory : OpsDashFactory
    {
        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            Set("Database:Url", OwnerConnectionString + ";Command Timeout=1");
        }
    }
}
