namespace OpsDash.Tests.Hardening;

/// <summary>Small set-up for the attacker-style tests: a team org through the API, members added as a DBA would.</summary>
public static class HardeningKit
{
    public static async Task<(Guid Id, string Slug)> CreateTeamAsync(this TestUser owner)
    {
        var slug = $"t-{Guid.NewGuid():N}"[..20];
        var response = await owner.Client.PostAsJsonAsync("/api/v1/orgs", new { name = "Team " + slug, slug });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return ((await response.JsonAsync()).GetProperty("id").GetGuid(), slug);
    }

    public static async Task<Guid> JoinAsync(this OpsDashFactory factory, Guid orgId, TestUser user, string role)
    {
        await using var db = await factory.OpenOwnerAsync();
        return await db.ExecuteScalarAsync<Guid>(
            "insert into members.org_members (org_id, user_id, role) values (@OrgId, @UserId, @Role) returning id",
            new { OrgId = orgId, UserId = user.Id, Role = role });
    }

    public static async Task<T> OwnerScalarAsync<T>(this OpsDashFactory factory, string sql, object? param = null)
    {
        await using var db = await factory.OpenOwnerAsync();
        return (await db.ExecuteScalarAsync<T>(sql, param))!;
    }

    public static async Task<int> OwnerCountAsync(this OpsDashFactory factory, string sql, object? param = null)
    {
        await using var db = await factory.OpenOwnerAsync();
        return await db.ExecuteScalarAsync<int>(sql, param);
    }

    public static async Task OwnerExecAsync(this OpsDashFactory factory, string sql, object? param = null)
    {
        await using var db = await factory.OpenOwnerAsync();
        await db.ExecuteAsync(sql, param);
    }

    public static async Task<string> InviteTokenAsync(this TestUser inviter, string slug, string email, string role = "member")
    {
        var response = await inviter.Client.PostAsJsonAsync($"/api/v1/orgs/{slug}/invitations", new { email, role });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        var url = System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("acceptUrl").GetString()!;
        return url[(url.LastIndexOf('/') + 1)..];
    }
}
