using Microsoft.Extensions.DependencyInjection;
using OpsDash.Modules.Projects.Contracts;
using OpsDash.SharedKernel.Database;

namespace OpsDash.Tests.Projects;

/// <summary>IProjectsDirectory, as Platform's insights will call it from an org's job: open tasks only, this org's only, live projects only.</summary>
public sealed class ProjectsDirectoryTests(ProjectsFactory factory) : IClassFixture<ProjectsFactory>
{
    [Fact]
    public async Task Overdue_and_due_soon_tasks_are_the_orgs_open_tasks_in_due_order()
    {
        var set = await factory.CreateOrgWithRolesAsync();
        var other = await factory.CreateStrangerAsync();
        var slug = set.Org.Slug;
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var project = await set.Member.CreateProjectIdAsync(slug, "Live");
        var gone = await set.Member.CreateProjectIdAsync(slug, "Gone");
        Task TaskAsync(Guid p, string title, int days, string status = "todo") =>
            set.Member.CreateTaskOkAsync(slug, p, new { title, dueDate = today.AddDays(days).ToString("yyyy-MM-dd"), status });

        await TaskAsync(project, "Late by 3", -3);
        await TaskAsync(project, "Late by 1", -1);
        await TaskAsync(project, "Late but done", -5, "done");
        await TaskAsync(project, "Due today", 0);
        await TaskAsync(project, "Due in 5", 5);
        await TaskAsync(project, "Due in 20", 20);
        await TaskAsync(gone, "Late in a deleted project", -2);
        await set.Member.Client.DeleteAsync($"{ProjectApi.Projects(slug)}/{gone}");
        var theirs = await other.User.CreateProjectIdAsync(other.Org.Slug);
        await other.User.CreateTaskOkAsync(other.Org.Slug, theirs, new { title = "Their late task", dueDate = today.AddDays(-1).ToString("yyyy-MM-dd") });

        IReadOnlyList<TaskDue> overdue = [];
        IReadOnlyList<TaskDue> soon = [];
        await factory.Services.GetRequiredService<IServiceScopeFactory>().RunForOrgAsync(set.Org.Id, async services =>
        {
            var directory = services.GetRequiredService<IProjectsDirectory>();
            overdue = await directory.OverdueTasksAsync(today, 10);
            soon = await directory.TasksDueSoonAsync(today, 7, 10);
        });

        Assert.Equal(["Late by 3", "Late by 1"], overdue.Select(t => t.Title));
        Assert.Equal("Live", overdue[0].ProjectName);
        Assert.Equal(["Due today", "Due in 5"], soon.Select(t => t.Title));
    }
}
