using OpsDash.Modules.Automation.Contracts;
using OpsDash.Modules.Projects.Contracts;
using OpsDash.SharedKernel.Events;

namespace OpsDash.Modules.Automation.Notifications;

/// <summary>
/// <c>task.assigned</c> → an in-app notification for the new assignee (issue 10), as a job in the task's
/// org. Assigning yourself notifies nobody. The event's id is the source key: a redelivered job notifies once.
/// </summary>
internal sealed class NotifyTaskAssignee(INotifications notifications) : IIntegrationEventHandler<TaskAssigned>
{
    public const string Subscriber = "notify_assignee";

    public async Task HandleAsync(TaskAssigned message, Guid eventId, CancellationToken ct)
    {
        if (message.AssigneeUserId == message.ActorUserId)
        {
            return;
        }

        var due = message.DueDate is { } date ? $"Due {date:yyyy-MM-dd}." : null;
        await notifications.NotifyAsync(
            message.AssigneeUserId, TaskAssigned.EventType, $"You were assigned: {message.Title}", due,
            $"/projects/{message.ProjectId}/tasks/{message.TaskId}", $"{TaskAssigned.EventType}:{eventId}", ct);
    }
}
