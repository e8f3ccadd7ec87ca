using System.Text.Json;

namespace OpsDash.Tests.Organizations;

public sealed class AuditLogTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    [Fact]
    public async Task Pages_newest_first_by_cursor_until_the_end()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        for (var i = 1; i <= 4; i++)
        {
            await RenameAsync(set.Owner, set.Org, $"Name {i}");
        }

        var expected = await AllIdsAsync(set.Org);
        Assert.Equal(5, expected.Count); // organization.created + 4 updates

        var seen = new List<long>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await GetPageAsync(set.Admin, set.Org, $"limit=2{(cursor is null ? string.Empty : "&cursor=" + cursor)}");
            var items = page.GetProperty("items").EnumerateArray().ToList();
            Assert.InRange(items.Count, 1, 2);
            seen.AddRange(items.Select(i => i.GetProperty("id").GetInt64()));
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(expected, seen);
        Assert.Equal(seen.OrderDescending(), seen);
    }

    [Fact]
    public async Task Items_carry_action_actor_and_metadata_and_the_default_limit_is_50()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        await factory.ExecuteOwnerAsync(
            """
            insert into organizations.audit_logs (org_id, actor_user_id, action, entity_type, entity_id)
            select @Id, @UserId, 'test.filler', 'thing', g::text from generate_series(1, 60) g
            """,
            new { set.Org.Id, UserId = set.Owner.Id });

        var page = await GetPageAsync(set.Owner, set.Org, string.Empty);

        var items = page.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(50, items.Count);
        Assert.NotNull(page.GetProperty("nextCursor").GetString());
        var first = items[0];
        Assert.Equal("test.filler", first.GetProperty("action").GetString());
        Assert.Equal("60", first.GetProperty("entityId").GetString());
        Assert.Equal(set.Owner.Id, first.GetProperty("actorUserId").GetGuid());
        Assert.Equal(set.Owner.Email, first.GetProperty("actorEmail").GetString());
        Assert.Equal(JsonValueKind.Object, first.GetProperty("metadata").ValueKind);

        var max = await GetPageAsync(set.Owner, set.Org, "limit=100");
        Assert.Equal(61, max.GetProperty("items").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, max.GetProperty("nextCursor").ValueKind);
    }

    [Fact]
    public async Task Filters_by_action_and_actor()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        await RenameAsync(set.Owner, set.Org, "By owner");
        await RenameAsync(set.Admin, set.Org, "By admin 1");
        await RenameAsync(set.Admin, set.Org, "By admin 2");

        var updates = await GetPageAsync(set.Owner, set.Org, "action=organization.updated");
        var byAdmin = await GetPageAsync(set.Owner, set.Org, $"actorUserId={set.Admin.Id}");
        var ownerUpdates = await GetPageAsync(set.Owner, set.Org, $"action=organization.updated&actorUserId={set.Owner.Id}");
        var none = await GetPageAsync(set.Owner, set.Org, "action=organization.deleted");

        Assert.Equal(3, updates.GetProperty("items").GetArrayLength());
        Assert.All(updates.GetProperty("items").EnumerateArray(), i => Assert.Equal("organization.updated", i.GetProperty("action").GetString()));
        Assert.Equal(2, byAdmin.GetProperty("items").GetArrayLength());
        Assert.All(byAdmin.GetProperty("items").EnumerateArray(), i => Assert.Equal(set.Admin.Id, i.GetProperty("actorUserId").GetGuid()));
        Assert.Equal(1, ownerUpdates.GetProperty("items").GetArrayLength());
        Assert.Equal(0, none.GetProperty("items").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, none.GetProperty("nextCursor").ValueKind);
    }

    [Theory]
    [InlineData("member")]
    [InlineData("viewer")]
    public async Task Only_owners_and_admins_read_the_audit_log(string role)
    {
        var set = await factory.CreateOrgWithRolesAsync();

        var response = await set.For(role).Client.GetAsync($"/api/v1/orgs/{set.Org.Slug}/audit-logs");

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("cursor=abc", "cursor")]
    [InlineData("actorUserId=nobody", "actorUserId")]
    public async Task Bad_query_values_are_validation_errors(string query, string field)
    {
        var set = await factory.CreateOrgWithRolesAsync();

        var response = await set.Owner.Client.GetAsync($"/api/v1/orgs/{set.Org.Slug}/audit-logs?{query}");

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task The_app_role_cannot_update_or_delete_audit_rows()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        await using var app = await factory.OpenAppAsync();

        var update = await Assert.ThrowsAsync<Npgsql.PostgresException>(async () =>
        {
            await using var cmd = new Npgsql.NpgsqlCommand("update organizations.audit_logs set action = 'x.y'", app);
            await cmd.ExecuteNonQueryAsync();
        });
        var delete = await Assert.ThrowsAsync<Npgsql.PostgresException>(async () =>
        {
            await using var cmd = new Npgsql.NpgsqlCommand("delete from organizations.audit_logs", app);
            await cmd.ExecuteNonQueryAsync();
        });

        Assert.Equal(Npgsql.PostgresErrorCodes.InsufficientPrivilege, update.SqlState);
        Assert.Equal(Npgsql.PostgresErrorCodes.InsufficientPrivilege, delete.SqlState);
        Assert.Equal(1, await factory.ScalarAsync<int>("select count(*) from organizations.audit_logs where org_id = @Id", new { set.Org.Id }));
    }

    private static async Task RenameAsync(TestUser user, TestOrg org, string name) =>
        Assert.Equal(HttpStatusCode.OK, (await user.Client.PatchAsJsonAsync($"/api/v1/orgs/{org.Slug}", new { name })).StatusCode);

    private static async Task<JsonElement> GetPageAsync(TestUser user, TestOrg org, string query)
    {
        var response = await user.Client.GetAsync($"/api/v1/orgs/{org.Slug}/audit-logs?{query}");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.JsonAsync();
    }

    private async Task<List<long>> AllIdsAsync(TestOrg org)
    {
        await using var owner = await factory.OpenOwnerAsync();
        return (await Dapper.SqlMapper.QueryAsync<long>(owner, "select id from organizations.audit_logs where org_id = @Id order by id desc", new { org.Id })).ToList();
    }
}
