using System.Security.Cryptography;

namespace OpsDash.Tests.Infrastructure;

public sealed record TestOrg(Guid Id, string Slug, string Name);

/// <summary>A team org with one fresh user per role; <see cref="Owner"/> created it and is its billing owner.</summary>
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

/// <summary>Someone else's team org, which the users of a <see cref="RoleSet"/> must never see or change.</summary>
public sealed record Stranger(TestUser User, TestOrg Org);

/// <summary>
/// The tenants every module's isolation and role tests start from. Orgs are created as users create
/// them (POST /orgs); memberships, plans and pending invitations are set as a DBA would, through
/// the owner connection, so a module's tests depend on no other module's endpoints but that one.
/// </summary>
public static class TenantKit
{
    public static string UniqueSlug(string prefix = "team") => $"{prefix}-{Guid.NewGuid():N}"[..20];

    public static string NewEmail(string name = "invitee") => $"{name}-{Guid.NewGuid():N}@example.test";

    /// <summary>An org with an owner, an admin, a member and a viewer.</summary>
    public static async Task<RoleSet> CreateOrgWithRolesAsync(this OpsDashFactory factory, string plan = "free")
    {
        var owner = await factory.SignUpAsync("owner");
        var org = await factory.CreateTeamOrgAsync(owner, plan);
        var admin = await factory.SignUpAsync("admin");
        var member = await factory.SignUpAsync("member");
        var viewer = await factory.SignUpAsync("viewer");
        await factory.AddMemberAsync(org, admin, "admin");
        await factory.AddMemberAsync(org, member, "member");
        await factory.AddMemberAsync(org, viewer, "viewer");
        return new RoleSet(org, owner, admin, member, viewer);
    }

    /// <summary>A fresh user who owns a team org of their own.</summary>
    public static async Task<Stranger> CreateStrangerAsync(this OpsDashFactory factory, string plan = "free")
    {
        var user = await factory.SignUpAsync("stranger");
        return new Stranger(user, await factory.CreateTeamOrgAsync(user, plan));
    }

    /// <summary>Creates a team org through the API, as the user would; it becomes their current org.</summary>
    public static async Task<TestOrg> CreateTeamOrgAsync(this TestUser user, string? name = null, string? slug = null)
    {
        slug ??= UniqueSlug();
        var response = await user.Client.PostAsJsonAsync("/api/v1/orgs", new { name = name ?? "Team " + slug, slug });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var body = await response.JsonAsync();
        return new TestOrg(body.GetProperty("id").GetGuid(), body.GetProperty("slug").GetString()!, body.GetProperty("name").GetString()!);
    }

    /// <summary>A team org of <paramref name="owner"/> whose billing (the owner's personal subscription) is on <paramref name="plan"/>.</summary>
    public static async Task<TestOrg> CreateTeamOrgAsync(this OpsDashFactory factory, TestUser owner, string plan = "free")
    {
        var org = await owner.CreateTeamOrgAsync();
        if (plan != "free")
        {
            await factory.ExecuteOwnerAsync(
                """
                update organizations.subscriptions s set plan_key = @plan
                 where s.org_id = (select o.id from organizations.organizations o where o.billing_owner_user_id = @Id and o.type = 'personal')
                """,
                new { plan, owner.Id });
        }

        return org;
    }

    /// <summary>Makes <paramref name="user"/> a member of <paramref name="org"/> with <paramref name="role"/>, as a DBA would; returns the member id.</summary>
    public static async Task<Guid> AddMemberAsync(this OpsDashFactory factory, TestOrg org, TestUser user, string role, DateTime? joinedAt = null)
    {
        await using var db = await factory.OpenOwnerAsync();
        return await db.ExecuteScalarAsync<Guid>(
            "insert into members.org_members (org_id, user_id, role, created_at) values (@OrgId, @UserId, @Role, coalesce(@JoinedAt, now())) returning id",
            new { OrgId = org.Id, UserId = user.Id, Role = role, JoinedAt = joinedAt });
    }

    /// <summary>Signs up a fresh user and adds them to <paramref name="org"/> with <paramref name="role"/>.</summary>
    public static async Task<(TestUser User, Guid MemberId)> NewMemberAsync(this OpsDashFactory factory, TestOrg org, string role)
    {
        var user = await factory.SignUpAsync(role);
        return (user, await factory.AddMemberAsync(org, user, role));
    }

    public static Task<Guid> MemberIdAsync(this OpsDashFactory factory, TestOrg org, TestUser user) =>
        factory.ScalarAsync<Guid>(
            "select id from members.org_members where org_id = @OrgId and user_id = @UserId", new { OrgId = org.Id, UserId = user.Id });

    /// <summary>The member's role, or null when the membership is gone.</summary>
    public static async Task<string?> RoleAsync(this OpsDashFactory factory, Guid memberId)
    {
        await using var db = await factory.OpenOwnerAsync();
        return await db.ExecuteScalarAsync<string?>("select role from members.org_members where id = @memberId", new { memberId });
    }

    public static async Task AddPendingInvitationAsync(this OpsDashFactory factory, TestOrg org, TestUser invitedBy, TimeSpan expiresIn) =>
        await factory.ExecuteOwnerAsync(
            """
            insert into members.invitations (org_id, email, role, token_hash, invited_by, expires_at)
            values (@OrgId, @Email, 'member', @Hash, @InvitedBy, now() + @ExpiresIn)
            """,
            new { OrgId = org.Id, Email = NewEmail(), Hash = RandomNumberGenerator.GetBytes(32), InvitedBy = invitedBy.Id, ExpiresIn = expiresIn });

    /// <summary>Runs <paramref name="sql"/> as the owner (no RLS) and returns the first column of the first row.</summary>
    public static async Task<T> ScalarAsync<T>(this OpsDashFactory factory, string sql, object? args = null)
    {
        await using var db = await factory.OpenOwnerAsync();
        return (await db.ExecuteScalarAsync<T>(sql, args))!;
    }

    /// <summary>Runs <paramref name="sql"/> as the owner (no RLS); returns the rows affected.</summary>
    public static async Task<int> ExecuteOwnerAsync(this OpsDashFactory factory, string sql, object? args = null)
    {
        await using var db = await factory.OpenOwnerAsync();
        return await db.ExecuteAsync(sql, args);
    }

    /// <summary>Runs <paramref name="sql"/> as the owner (no RLS); returns the rows.</summary>
    public static async Task<IReadOnlyList<T>> QueryOwnerAsync<T>(this OpsDashFactory factory, string sql, object? args = null)
    {
        await using var db = await factory.OpenOwnerAsync();
        return [.. await db.QueryAsync<T>(sql, args)];
    }
}
