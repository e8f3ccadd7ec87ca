namespace OpsDash.SharedKernel.Events;

/// <summary>
/// What led to the work in this scope. Events published here carry it beside their fields
/// (<see cref="IntegrationEventHandlers"/>' causation keys) and their subscribers' jobs start with it, so a
/// chain of workflows triggering each other can be bounded (ADR 0016):
/// <list type="bullet">
/// <item><see cref="Depth"/>: how many workflow runs led here (0 for a person's request or a schedule); a step raises it by one before it acts.</item>
/// <item><see cref="RootEventId"/>: the event of the person's action (or scheduled subject) the chain started from; every run it leads to counts against that event's budget.</item>
/// <item><see cref="TriggerId"/> and <see cref="SubjectId"/>: the run whose step is acting, and its record, so that trigger does not fire again on the event its own run caused on that record.</item>
/// </list>
/// </summary>
public sealed class EventCausation
{
    public int Depth { get; set; }

    public Guid? RootEventId { get; set; }

    public Guid? TriggerId { get; set; }

    public Guid? SubjectId { get; set; }
}
