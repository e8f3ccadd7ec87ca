namespace OpsDash.Tests.Members;

public sealed record TeamOrg(Guid Id, string Slug, string Name);

/// <summary>Team orgs and memberships set up directly with the owner connection, so member tests depend on no other endpoint.</summary>
public static class MembersKit
{
    public static async Task<TeamOrg> CreateTeamOrgAsync(this OpsDashFactory factory, TestUser owner, string plan = "free")
    {
        var id = Guid.NewGuid();
        var slug = "team-" + id.ToString("N")[..12];
        var name = "Team " + slug;
        await using var db = await factory.OpenOwnerAsync();
        await db.ExecuteAsync("""
            insert into organizations.organizations (id, name, slug, type, billing_owner_user_id, created_by)
            values (@Id, @Name, @Slug, 'team', @Owner, @Owner);
            insert into members.org_members (org_id, user_id, role) values (@Id, @Owner, 'owner');
            select organizations.seed_feature_flags(@Id);
            update organizations.subscriptions s set plan_key = @Plan
             where s.org_id = (select o.id from organizations.organizations o where o.billing_owner_user_id = @Owner and o.type = 'personal');
            """, new { Id = id, Name = name, Slug = slug, Owner = owner.Id, Plan = plan });
        return new TeamOrg(id, slug, name);
    }

    public static async Task<Guid> AddMemberAsync(this OpsDashFactory factory, TeamOrg org, TestUser user, string role)
    {
        await using var db = await factory.OpenOwnerAsync();
        return await db.ExecuteScalarAsync<Guid>(
            "insert into members.org_members (org_id, user_id, role) values (@OrgId, @UserId, @Role) returning id",
            new { OrgId = org.Id, UserId = user.Id, Role = role });
    }

    public static async Task<(TestUser User, Guid MemberId)> NewMemberAsync(this OpsDashFactory factory, TeamOrg org, string role)
    {
        var user = await factory.SignUpAsync(role);
        return (user, await factory.AddMemberAsync(org, user, role));
    }

    public static async Task<Guid> MemberIdAsync(this OpsDashFactory factory, TeamOrg org, TestUser user)
    {
        await using var db = await factory.OpenOwnerAsync();
        return await db.ExecuteScalarAsync<Guid>(
            "select id from members.org_members where org_id = @OrgId and user_id = @UserId", new { OrgId = org.Id, UserId = user.Id });
    }

    /// <summary>The member's role, or null when the membership is gone.</summary>
    public static async Task<string?> RoleAsync(this OpsDashFactory factory, Guid memberId)
    {
        await using var db = await factory.OpenOwnerAsync();
        return await db.ExecuteScalarAsync<string?>("select role from members.org_members where id = @memberId", new { memberId });
    }

    public static async Task<T> ScalarAsync<T>(this OpsDashFactory factory, string sql, object? param = null)
    {
        await using var db = await factory.OpenOwnerAsync();
        return (await db.ExecuteScalarAsync<T>(sql, param))!;
    }

    public static async Task ExecAsync(this OpsDashFactory factory, string sql, object? param = null)
    {
        await using var db = await factory.OpenOwnerAsync();
        await db.ExecuteAsync(sql, param);
    }

    public static Task<HttpResponseMessage> InviteAsync(this TestUser inviter, string slug, string email, string role = "member") =>
        inviter.Client.PostAsJsonAsync($"/api/v1/orgs/{slug}/invitations", new { email, role });

    public static Task<HttpResponseMessage> ChangeRoleAsync(this TestUser caller, string slug, Guid memberId, string role) =>
        caller.Client.PatchAsJsonAsync($"/api/v1/orgs/{slug}/members/{memberId}", new { role });

    public static Task<HttpResponseMessage> RemoveAsync(this TestUser caller, string slug, Guid memberId) =>
        caller.Client.DeleteAsync($"/api/v1/orgs/{slug}/members/{memberId}");

    public static Task<HttpResponseMessage> RevokeAsync(this TestUser caller, string slug, Guid invitationId) =>
        caller.Client.DeleteAsync($"/api/v1/orgs/{slug}/invitations/{invitationId}");

    public static Task<HttpResponseMessage> AcceptAsync(this TestUser caller, string token) =>
        caller.Client.PostAsync($"/api/v1/invitations/{token}/accept", null);

    /// <summary>Invites and returns the invitation id and the token from the response's accept link.</summary>
    public static async Task<(Guid Id, string Token)> InviteOkAsync(this TestUser inviter, string slug, string email, string role = "member")
    {
        var response = await inviter.InviteAsync(slug, email, role);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, text);
        var body = System.Text.Json.JsonDocument.Parse(text).RootElement;
        return (body.GetProperty("id").GetGuid(), TokenOf(body.GetProperty("acceptUrl").GetString()!));
    }

    public static string TokenOf(string acceptUrl) => acceptUrl[(acceptUrl.LastIndexOf('/') + 1)..];

    /// <summary>The email as the signup stored it (lower case).</summary>
    public static string StoredEmail(this TestUser user) => user.Email.ToLowerInvariant();

    public static string NewEmail(string name = "invitee") => $"{name}-{Guid.NewGuid():N}@example.test";
}
