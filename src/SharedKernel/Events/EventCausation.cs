namespace OpsDash.SharedKernel.Events;

/// <summary>
/// How many workflow runs led to the work in this scope: 0 for a person's request or a schedule. Events
/// published here carry it (the <see cref="IntegrationEventHandlers.DepthKey"/> beside their fields), their
/// subscribers' jobs start with it, and a workflow step raises it by one before it acts, so a chain of
/// workflows triggering each other can be cut at a depth limit (ADR 0016).
/// </summary>
public sealed class EventCausation
{
    public int Depth { get; set; }
}
