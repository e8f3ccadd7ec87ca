using Microsoft.Extensions.DependencyInjection;
using OpsDash.Modules.Automation.Contracts;
using OpsDash.SharedKernel.Database;

namespace OpsDash.Tests.Automation;

/// <summary>In-app notifications: sent through INotifications in an org's context, read by their recipient only, unread first, marked read.</summary>
public sealed class NotificationTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    private const string Me = "/api/v1/me/notifications";

    private async Task<List<Guid?>> SendAsync(Guid orgId, Guid userId, params string[] titles)
    {
        var ids = new List<Guid?>();
        await factory.Services.GetRequiredService<IServiceScopeFactory>().RunForOrgAsync(orgId, async services =>
        {
            foreach (var title in titles)
            {
                ids.Add(await services.GetRequiredService<INotifications>().NotifyAsync(userId, "task.assigned", title, "Body", "/tasks/1"));
            }
        });
        return ids;
    }

    [Fact]
    public async Task A_recipient_lists_their_notifications_unread_first_and_marks_them_read()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var other = await factory.CreateStrangerAsync();
        await factory.AddMemberAsync(other.Org, set.Member, "member");
        var ids = await SendAsync(set.Org.Id, set.Member.Id, "One", "Two", "Three", "Four");
        await SendAsync(other.Org.Id, set.Member.Id, "Elsewhere");
        await SendAsync(set.Org.Id, set.Admin.Id, "For the admin");

        Assert.Equal(HttpStatusCode.NoContent, (await set.Member.Client.PostAsync($"{Me}/{ids[3]}/read", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await set.Member.Client.PostAsync($"{Me}/{ids[1]}/read", null)).StatusCode);

        var titles = new List<string>();
        string? cursor = null;
        do
        {
            var page = await (await set.Member.Client.GetAsync($"{Me}?limit=2{(cursor is null ? "" : $"&cursor={cursor}")}")).JsonAsync();
            titles.AddRange(page.GetProperty("items").EnumerateArray().Select(n => n.GetProperty("title").GetString()!));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);
        Assert.Equal(["Elsewhere", "Three", "One", "Four", "Two"], titles);

        var inOrg = await (await set.Member.Client.GetAsync($"{Me}?orgId={set.Org.Id}&unreadOnly=true")).JsonAsync();
        Assert.Equal(["Three", "One"], inOrg.GetProperty("items").EnumerateArray().Select(n => n.GetProperty("title").GetString()));
        Assert.Equal(3, (await (await set.Member.Client.GetAsync($"{Me}/unread-count")).JsonAsync()).GetProperty("count").GetInt32());
        Assert.Equal(2, (await (await set.Member.Client.GetAsync($"{Me}/unread-count?orgId={set.Org.Id}")).JsonAsync()).GetProperty("count").GetInt32());

        var marked = await (await set.Member.Client.PostAsync($"{Me}/read-all?orgId={set.Org.Id}", null)).JsonAsync();
        Assert.Equal(2, marked.GetProperty("marked").GetInt32());
        Assert.Equal(1, (await (await set.Member.Client.GetAsync($"{Me}/unread-count")).JsonAsync()).GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task One_users_notifications_are_invisible_and_unmarkable_to_another()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var ids = await SendAsync(set.Org.Id, set.Member.Id, "Private");

        var adminView = await (await set.Admin.Client.GetAsync(Me)).JsonAsync();
        Assert.Empty(adminView.GetProperty("items").EnumerateArray());
        await (await set.Admin.Client.PostAsync($"{Me}/{ids[0]}/read", null)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(0, (await (await set.Admin.Client.PostAsync($"{Me}/read-all", null)).JsonAsync()).GetProperty("marked").GetInt32());
        Assert.Equal(1, (await (await set.Member.Client.GetAsync($"{Me}/unread-count")).JsonAsync()).GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Only_members_receive_and_leaving_the_org_takes_its_notifications_along()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var outsider = await factory.SignUpAsync("outsider");

        Assert.Null(Assert.Single(await SendAsync(set.Org.Id, outsider.Id, "Not yours")));
        await SendAsync(set.Org.Id, set.Viewer.Id, "Before leaving");
        await factory.ExecuteOwnerAsync("delete from members.org_members where org_id = @Id and user_id = @User", new { set.Org.Id, User = set.Viewer.Id });

        Assert.Equal(0, await factory.ScalarAsync<long>("select count(*) from automation.notifications where org_id = @Id", new { set.Org.Id }));
        Assert.Empty((await (await outsider.Client.GetAsync(Me)).JsonAsync()).GetProperty("items").EnumerateArray());
    }

    [Theory]
    [InlineData("viewer", false)]
    [InlineData("member", true)]
    public async Task The_database_admits_a_notification_from_a_writers_request_never_from_a_viewers(string role, bool admitted)
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var sender = role == "viewer" ? set.Viewer : set.Member;
        await using var app = await factory.OpenAppAsync();
        await using var tx = await app.BeginTransactionAsync();
        await app.ExecuteAsync("select set_config('app.user_id', @User, true), set_config('app.org_id', @Org, true)",
            new { User = sender.Id.ToString(), Org = set.Org.Id.ToString() }, tx);

        async Task<int> InsertAsync() => await app.ExecuteAsync(
            "insert into automation.notifications (org_id, id, user_id, kind, title) values (@Org, gen_random_uuid(), @To, 'task.assigned', 'Spoofed')",
            new { Org = set.Org.Id, To = set.Admin.Id }, tx);

        if (admitted)
        {
            Assert.Equal(1, await InsertAsync());
        }
        else
        {
            var error = await Assert.ThrowsAsync<Npgsql.PostgresException>(InsertAsync);
            Assert.Equal(Npgsql.PostgresErrorCodes.InsufficientPrivilege, error.SqlState); // new row violates row-level security policy
        }
    }

    [Fact]
    public async Task One_source_key_notifies_each_recipient_once()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var sent = new List<Guid?>();
        await factory.Services.GetRequiredService<IServiceScopeFactory>().RunForOrgAsync(set.Org.Id, async services =>
        {
            var notifications = services.GetRequiredService<INotifications>();
            sent.Add(await notifications.NotifyAsync(set.Member.Id, "task.assigned", "First", sourceKey: "task.assigned:e1"));
            sent.Add(await notifications.NotifyAsync(set.Member.Id, "task.assigned", "Again", sourceKey: "task.assigned:e1"));
            sent.Add(await notifications.NotifyAsync(set.Admin.Id, "task.assigned", "Other recipient", sourceKey: "task.assigned:e1"));
            sent.Add(await notifications.NotifyAsync(set.Member.Id, "task.assigned", "Other source", sourceKey: "task.assigned:e2"));
        });

        Assert.NotNull(sent[0]);
        Assert.Null(sent[1]);
        Assert.NotNull(sent[2]);
        Assert.NotNull(sent[3]);
        var member = await (await set.Member.Client.GetAsync(Me)).JsonAsync();
        Assert.Equal(["Other source", "First"], member.GetProperty("items").EnumerateArray().Select(n => n.GetProperty("title").GetString()));
    }

    [Fact]
    public async Task Bad_queries_are_400s()
    {
        var user = await factory.SignUpAsync();
        foreach (var query in new[] { "?orgId=x", "?unreadOnly=maybe", "?cursor=nope", "?limit=0" })
        {
            await (await user.Client.GetAsync(Me + query)).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        }

        await (await user.Client.GetAsync($"{Me}/unread-count?orgId=x")).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
        await (await user.Client.PostAsync($"{Me}/read-all?orgId=x", null)).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_error");
    }
}
