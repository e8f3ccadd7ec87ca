using System.Security.Cryptography;

namespace OpsDash.Tests.Organizations;

public sealed record TestOrg(Guid Id, string Slug);

/// <summary>Set-up for organization tests: team orgs through the API, memberships and invitations through the owner connection.</summary>
public static class OrgTestData
{
    public static string UniqueSlug(string prefix = "team") => $"{prefix}-{Guid.NewGuid():N}"[..20];

    public static async Task<TestOrg> CreateTeamOrgAsync(this TestUser user, string? name = null, string? slug = null)
    {
        slug ??= UniqueSlug();
        var response = await user.Client.PostAsJsonAsync("/api/v1/orgs", new { name = name ?? "Team " + slug, slug });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var body = await response.JsonAsync();
        return new TestOrg(body.GetProperty("id").GetGuid(), body.GetProperty("slug").GetString()!);
    }

    /// <summary>Makes <paramref name="user"/> a member of <paramref name="org"/> with <paramref name="role"/>, as a DBA would.</summary>
    public static async Task<Guid> AddMemberAsync(this OpsDashFactory factory, TestOrg org, TestUser user, string role, DateTime? joinedAt = null)
    {
        await using var owner = await factory.OpenOwnerAsync();
        return await owner.ExecuteScalarAsync<Guid>(
            "insert into members.org_members (org_id, user_id, role, created_at) values (@OrgId, @UserId, @Role, coalesce(@JoinedAt, now())) returning id",
            new { OrgId = org.Id, UserId = user.Id, Role = role, JoinedAt = joinedAt });
    }

    /// <summary>A team org owned by a fresh user, plus one fresh user per other role.</summary>
    public static async Task<RoleSet> CreateOrgWithRolesAsync(this OpsDashFactory factory)
    {
        var owner = await factory.SignUpAsync("owner");
        var org = await owner.CreateTeamOrgAsync();
        var admin = await factory.SignUpAsync("admin");
        var member = await factory.SignUpAsync("member");
        var viewer = await factory.SignUpAsync("viewer");
        await factory.AddMemberAsync(org, admin, "admin");
        await factory.AddMemberAsync(org, member, "member");
        await factory.AddMemberAsync(org, viewer, "viewer");
        return new RoleSet(org, owner, admin, member, viewer);
    }

    public static async Task AddPendingInvitationAsync(this OpsDashFactory factory, TestOrg org, TestUser invitedBy, TimeSpan expiresIn)
    {
        await using var owner = await factory.OpenOwnerAsync();
        await owner.ExecuteAsync(
            """
            insert into members.invitations (org_id, email, role, token_hash, invited_by, expires_at)
            values (@OrgId, @Email, 'member', @Hash, @InvitedBy, now() + @ExpiresIn)
            """,
            new { OrgId = org.Id, Email = $"invitee-{Guid.NewGuid():N}@example.test", Hash = RandomNumberGenerator.GetBytes(32), InvitedBy = invitedBy.Id, ExpiresIn = expiresIn });
    }

    public static async Task<T> ScalarAsync<T>(this OpsDashFactory factory, string sql, object? args = null)
    {
        await using var owner = await factory.OpenOwnerAsync();
        return (await owner.ExecuteScalarAsync<T>(sql, args))!;
    }

    public static async Task<int> ExecuteOwnerAsync(this OpsDashFactory factory, string sql, object? args = null)
    {
        await using var owner = await factory.OpenOwnerAsync();
        return await owner.ExecuteAsync(sql, args);
    }
}

public sealed record RoleSet(TestOrg Org, TestUser Owner, TestUser Admin, TestUser Member, TestUser Viewer)
{
    public TestUser For(string role) => role switch
    {
        "owner" => Owner,
        "admin" => Admin,
        "member" => Member,
        "viewer" => Viewer,
        _ => throw new ArgumentOutOfRangeException(nameof(role)),
    };
}
