using OpsDash.SharedKernel.Events;

namespace OpsDash.Modules.Projects.Contracts;

/// <summary>A task's status changed (POST /tasks/{id}/status); the same status again publishes nothing.</summary>
public sealed record TaskStatusChanged(
    Guid TaskId, Guid ProjectId, Guid? ActorUserId, string Title, string FromStatus, string ToStatus, Guid? AssigneeUserId) : IIntegrationEvent
{
    public static string EventType => "task.status_changed";
}

/// <summary>
/// A task got a new assignee (on create, update or POST /tasks/{id}/assignee); <see cref="PreviousAssigneeUserId"/>
/// is who had it. Unassigning publishes nothing. In-app notifications are the Automation issue's.
/// </summary>
public sealed record TaskAssigned(
    Guid TaskId, Guid ProjectId, Guid? ActorUserId, string Title, Guid AssigneeUserId, Guid? PreviousAssigneeUserId, DateOnly? DueDate) : IIntegrationEvent
{
    public static string EventType => "task.assigned";
}

/// <summary>A task was created (POST /projects/{id}/tasks, or a workflow's create_task).</summary>
public sealed record TaskCreated(
    Guid TaskId, Guid ProjectId, Guid? ActorUserId, string Title, string Status, string Priority, Guid? AssigneeUserId, DateOnly? DueDate) : IIntegrationEvent
{
    public static string EventType => "task.created";
}
