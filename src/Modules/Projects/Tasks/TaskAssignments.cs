using OpsDash.Modules.Projects.Contracts;

namespace OpsDash.Modules.Projects.Tasks;

/// <summary>The one place that turns a task's new assignee into an audit row and <c>task.assigned</c>.</summary>
internal static class TaskAssignments
{
    public static async Task PublishAsync(ProjectTask task, Guid? previous, Guid? actor, AuditLog audit, Outbox outbox, CancellationToken ct)
    {
        if (task.AssigneeUserId is not { } assignee || assignee == previous)
        {
            return;
        }

        await audit.WriteAsync("task.assigned", "task", task.Id, new { assigneeUserId = assignee, previousAssigneeUserId = previous }, ct);
        await outbox.EnqueueAsync(new TaskAssigned(task.Id, task.ProjectId, actor, task.Title, assignee, previous, task.DueDate), ct);
    }
}
