using OpsDash.Tests.Email;
using OpsDash.Tests.Projects;

namespace OpsDash.Tests.Automation;

/// <summary>task.assigned reaches the assignee as an in-app notification, through the job queue; assigning yourself notifies nobody.</summary>
public sealed class TaskAssignedNotificationTests(OpsDashFactory factory) : IClassFixture<OpsDashFactory>
{
    [Fact]
    public async Task The_assignee_is_notified_and_a_self_assignment_is_not()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var slug = set.Org.Slug;
        var project = await set.Member.CreateProjectIdAsync(slug, "Launch");

        await using (await factory.StartWorkerAsync())
        {
            var task = (await set.Member.CreateTaskOkAsync(slug, project, new { title = "Write the copy", assigneeUserId = set.Viewer.Id, dueDate = "2027-01-15" }))
                .GetProperty("id").GetGuid();
            await set.Admin.CreateTaskOkAsync(slug, project, new { title = "My own", assigneeUserId = set.Admin.Id });
            await factory.WaitForIdleQueueAsync();

            var viewer = await (await set.Viewer.Client.GetAsync("/api/v1/me/notifications")).JsonAsync();
            var notification = Assert.Single(viewer.GetProperty("items").EnumerateArray());
            Assert.Equal("task.assigned", notification.GetProperty("kind").GetString());
            Assert.Equal("You were assigned: Write the copy", notification.GetProperty("title").GetString());
            Assert.Equal("Due 2027-01-15.", notification.GetProperty("body").GetString());
            Assert.Equal($"/projects/{project}/tasks/{task}", notification.GetProperty("link").GetString());
            Assert.Equal(set.Org.Id, notification.GetProperty("orgId").GetGuid());
        }

        Assert.Empty((await (await set.Admin.Client.GetAsync("/api/v1/me/notifications")).JsonAsync()).GetProperty("items").EnumerateArray());
        Assert.Equal(0, await factory.ScalarAsync<long>("select count(*) from jobs.jobs where org_id = @Id and state = 'dead'", new { set.Org.Id }));
    }

    [Fact]
    public async Task A_task_assigned_job_delivered_again_notifies_once()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var slug = set.Org.Slug;
        var project = await set.Member.CreateProjectIdAsync(slug, "Launch");
        await using (await factory.StartWorkerAsync())
        {
            await set.Member.CreateTaskOkAsync(slug, project, new { title = "Write the copy", assigneeUserId = set.Viewer.Id });
            await factory.WaitForIdleQueueAsync();
        }

        // At least once (ADR 0010): the handler's work commits before the job is marked completed, so a lost
        // completion runs the job again; here it is run again, and twice more at once, with the same event.
        await factory.ExecuteOwnerAsync("""
            insert into jobs.jobs (kind, args, org_id, queue, max_attempts)
            select kind, args, org_id, queue, max_attempts from jobs.jobs j, generate_series(1, 2)
             where j.org_id = @Id and j.kind = 'task.assigned.notify_assignee';
            update jobs.jobs set state = 'available', attempt = 0, finished_at = null, worker_id = null, run_at = now()
             where org_id = @Id and kind = 'task.assigned.notify_assignee' and state = 'completed';
            """, new { set.Org.Id });
        Assert.Equal(3, await factory.ScalarAsync<long>(
            "select count(*) from jobs.jobs where org_id = @Id and kind = 'task.assigned.notify_assignee' and state = 'available'", new { set.Org.Id }));
        await using (await factory.StartWorkerAsync())
        {
            await factory.WaitForIdleQueueAsync();
        }

        Assert.Equal(3, await factory.ScalarAsync<long>(
            "select count(*) from jobs.jobs where org_id = @Id and kind = 'task.assigned.notify_assignee' and state = 'completed'", new { set.Org.Id }));
        var viewer = await (await set.Viewer.Client.GetAsync("/api/v1/me/notifications")).JsonAsync();
        Assert.Equal("You were assigned: Write the copy", Assert.Single(viewer.GetProperty("items").EnumerateArray()).GetProperty("title").GetString());
    }
}
