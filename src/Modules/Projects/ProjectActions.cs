using OpsDash.Modules.Crm.Contracts;
using OpsDash.Modules.Projects.Contracts;
using OpsDash.Modules.Projects.Projects;
using OpsDash.Modules.Projects.Tasks;

namespace OpsDash.Modules.Projects;

/// <summary>
/// The <see cref="IProjectActions"/> other modules call: each one builds the request the API would take, checks it
/// with the endpoint's validator and runs the endpoint's own write, so limits, audit entries and events are the same.
/// </summary>
internal sealed class ProjectActions(
    DbSession db, TenantContext tenant, FeatureAccess features, AuditLog audit, Outbox outbox, ICrmDirectory crm,
    IValidator<CreateTask.Request> newTask, IValidator<CreateProject.Request> newProject,
    IValidator<UpdateTask.Request> taskChange, IValidator<ChangeTaskStatus.Request> statusChange) : IProjectActions
{
    private Guid OrgId => tenant.OrgId ?? throw new InvalidOperationException("Projects actions run in an org's context.");

    public async Task<Guid> CreateTaskAsync(Guid projectId, string title, CancellationToken ct = default)
    {
        var request = newTask.Check(new CreateTask.Request(title, null, null, null, null, null, null));
        return (await CreateTask.CreateAsync(OrgId, projectId, request, tenant.UserId, audit, outbox, db, ct)).Id;
    }

    public async Task<Guid> CreateProjectAsync(string name, Guid? companyId, Guid? dealId, CancellationToken ct = default)
    {
        var request = newProject.Check(new CreateProject.Request(name, null, null, companyId, dealId, null, null, null));
        return (await CreateProject.CreateAsync(OrgId, request, features, crm, audit, db, ct)).Id;
    }

    public async Task<bool> UpdateTaskFieldAsync(Guid taskId, string field, string value, CancellationToken ct = default)
    {
        if (field == "status")
        {
            var status = statusChange.Check(new ChangeTaskStatus.Request(value));
            return (await ChangeTaskStatus.ChangeAsync(OrgId, taskId, status, tenant.UserId, audit, outbox, db, ct)).Changed;
        }

        var (before, after) = await UpdateTask.ApplyAsync(
            OrgId,
            taskId,
            t => taskChange.Check(field switch
            {
                "title" => UpdateTask.From(t) with { Title = value },
                "priority" => UpdateTask.From(t) with { Priority = value },
                _ => throw new ValidationFailedException("field", $"A task's field is one of {string.Join(", ", ProjectsFields.Task)}."),
            }),
            tenant.UserId, audit, outbox, db, ct);
        return before.Title != after.Title || before.Priority != after.Priority;
    }
}
