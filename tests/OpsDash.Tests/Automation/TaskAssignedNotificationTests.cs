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
}
