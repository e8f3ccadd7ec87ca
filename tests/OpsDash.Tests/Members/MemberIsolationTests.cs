namespace OpsDash.Tests.Members;

public sealed class MemberIsolationTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    [Fact]
    public async Task Another_orgs_slug_or_ids_are_not_found_and_change_nothing_there()
    {
        var alice = await factory.SignUpAsync("Alice");
        var orgA = await factory.CreateTeamOrgAsync(alice, plan: "enterprise");
        await alice.InviteOkAsync(orgA.Slug, TenantKit.NewEmail());
        var (bob, orgB) = await factory.CreateStrangerAsync(plan: "enterprise");
        var bobId = await factory.MemberIdAsync(orgB, bob);
        var (_, bMemberId) = await factory.NewMemberAsync(orgB, "member");
        var (bInvitationId, bToken) = await bob.InviteOkAsync(orgB.Slug, TenantKit.NewEmail());
        var before = await SnapshotAsync(orgB);

        var attempts = new (string Name, Func<Task<HttpResponseMessage>> Call)[]
        {
            ("list members with B's slug", () => alice.Client.GetAsync($"/api/v1/orgs/{orgB.Slug}/members")),
            ("list invitations with B's slug", () => alice.Client.GetAsync($"/api/v1/orgs/{orgB.Slug}/invitations")),
            ("invite with B's slug", () => alice.InviteAsync(orgB.Slug, TenantKit.NewEmail())),
            ("revoke with B's slug", () => alice.RevokeAsync(orgB.Slug, bInvitationId)),
            ("change role with B's slug", () => alice.ChangeRoleAsync(orgB.Slug, bMemberId, "viewer")),
            ("demote B's owner with B's slug", () => alice.ChangeRoleAsync(orgB.Slug, bobId, "viewer")),
            ("remove with B's slug", () => alice.RemoveAsync(orgB.Slug, bMemberId)),
            ("revoke B's invitation under A", () => alice.RevokeAsync(orgA.Slug, bInvitationId)),
            ("change B's member's role under A", () => alice.ChangeRoleAsync(orgA.Slug, bMemberId, "viewer")),
            ("make B's member an owner under A", () => alice.ChangeRoleAsync(orgA.Slug, bMemberId, "owner")),
            ("demote B's owner under A", () => alice.ChangeRoleAsync(orgA.Slug, bobId, "viewer")),
            ("remove B's member under A", () => alice.RemoveAsync(orgA.Slug, bMemberId)),
            ("remove B's owner under A", () => alice.RemoveAsync(orgA.Slug, bobId)),
        };

        foreach (var (name, call) in attempts)
        {
            var response = await call();
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{name}: {(int)response.StatusCode} {text}");
        }

        Assert.Equal(before, await SnapshotAsync(orgB));
        var listA = await (await alice.Client.GetAsync($"/api/v1/orgs/{orgA.Slug}/invitations")).JsonAsync();
        Assert.Equal(1, listA.GetArrayLength());
        Assert.DoesNotContain(listA.EnumerateArray(), i => i.GetProperty("id").GetGuid() == bInvitationId);
        var membersA = await (await alice.Client.GetAsync($"/api/v1/orgs/{orgA.Slug}/members")).JsonAsync();
        Assert.Equal([alice.Id], membersA.EnumerateArray().Select(m => m.GetProperty("userId").GetGuid()));

        // B's token, used by someone it was not sent to, neither joins B nor discloses more than the landing page.
        await (await alice.AcceptAsync(bToken)).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(before, await SnapshotAsync(orgB));
    }

    [Fact]
    public async Task Mass_assigned_org_id_in_an_invite_body_does_not_reach_another_org()
    {
        var alice = await factory.SignUpAsync("Alice");
        var orgA = await factory.CreateTeamOrgAsync(alice);
        var orgB = (await factory.CreateStrangerAsync()).Org;
        var before = await SnapshotAsync(orgB);

        var response = await alice.Client.PostAsJsonAsync($"/api/v1/orgs/{orgA.Slug}/invitations",
            new { email = TenantKit.NewEmail(), role = "member", orgId = orgB.Id, org_id = orgB.Id });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(before, await SnapshotAsync(orgB));
        Assert.Equal(1, await factory.ScalarAsync<int>("select count(*) from members.invitations where org_id = @Id", new { orgA.Id }));
    }

    /// <summary>Everything about org B that a member endpoint could change, as one comparable string.</summary>
    private async Task<string> SnapshotAsync(TestOrg org)
    {
        await using var db = await factory.OpenOwnerAsync();
        return await db.ExecuteScalarAsync<string>("""
            select concat_ws(' | ',
                (select string_agg(m.id || ':' || m.user_id || ':' || m.role, ',' order by m.id) from members.org_members m where m.org_id = @Id),
                (select string_agg(i.id || ':' || i.email || ':' || i.role || ':' || coalesce(i.accepted_at::text, '-'), ',' order by i.id)
                   from members.invitations i where i.org_id = @Id),
                (select count(*)::text from organizations.audit_logs a where a.org_id = @Id),
                (select count(*)::text from jobs.jobs j where j.org_id = @Id))
            """, new { org.Id }) ?? string.Empty;
    }
}
