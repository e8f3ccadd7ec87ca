using OpsDash.SharedKernel.Events;

namespace OpsDash.Modules.Crm.Contracts;

/// <summary>A pipeline stage as the deal events name it.</summary>
public sealed record StageRef(Guid Id, string Name);

/// <summary>
/// A deal moved from one stage to another (POST /deals/{id}/stage). Moving a deal to the stage it
/// is in publishes nothing. <see cref="Amount"/> is a decimal with two places, in <see cref="Currency"/>.
/// </summary>
public sealed record DealStageChanged(
    Guid DealId, Guid? ActorUserId, string Title, StageRef FromStage, StageRef ToStage, decimal? Amount, string Currency) : IIntegrationEvent
{
    public static string EventType => "deal.stage_changed";
}

/// <summary>
/// A deal entered the org's won stage: published after its <see cref="DealStageChanged"/>, or alone when the
/// deal is created in that stage. Re-flagging a stage as won is a pipeline setting, not an outcome of its
/// deals: their status follows the flag, but no deal event is published.
/// </summary>
public sealed record DealWon(Guid DealId, Guid? ActorUserId, string Title, StageRef Stage, decimal? Amount, string Currency) : IIntegrationEvent
{
    public static string EventType => "deal.won";
}

/// <summary>A deal entered the org's lost stage; published as <see cref="DealWon"/> is, with the same rules.</summary>
public sealed record DealLost(Guid DealId, Guid? ActorUserId, string Title, StageRef Stage, decimal? Amount, string Currency) : IIntegrationEvent
{
    public static string EventType => "deal.lost";
}
