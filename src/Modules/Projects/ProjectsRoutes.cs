using OpsDash.Modules.Projects.Milestones;
using OpsDash.Modules.Projects.Projects;
using OpsDash.Modules.Projects.Tasks;
using OpsDash.Modules.Projects.TimeEntries;
using OpsDash.SharedKernel.Http;

namespace OpsDash.Modules.Projects;

internal static class ProjectsRoutes
{
    public static void Map(IEndpointRouteBuilder api)
    {
        var projects = api.MapOrgGroup().WithTag("Projects", "Projects, optionally for a CRM company and deal, with their milestones.").AcceptApiKeys("projects");
        ListProjects.Map(projects);
        GetProject.Map(projects);
        CreateProject.Map(projects);
        UpdateProject.Map(projects);
        DeleteProject.Map(projects);
        ListMilestones.Map(projects);
        CreateMilestone.Map(projects);
        UpdateMilestone.Map(projects);

        var tasks = api.MapOrgGroup().WithTag("Tasks", "A project's tasks: order, status, assignment, and the time logged on them.").AcceptApiKeys("projects");
        ListProjectTasks.Map(tasks);
        GetTask.Map(tasks);
        CreateTask.Map(tasks);
        UpdateTask.Map(tasks);
        ChangeTaskStatus.Map(tasks);
        AssignTask.Map(tasks);
        DeleteTask.Map(tasks);
        LogTimeEntry.Map(tasks);
        ListTaskTimeEntries.Map(tasks);
    }
}
