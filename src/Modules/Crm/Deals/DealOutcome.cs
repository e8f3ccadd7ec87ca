using OpsDash.Modules.Crm.Contracts;

namespace OpsDash.Modules.Crm.Deals;

/// <summary>The one place that turns a deal arriving in a stage into <c>deal.won</c> or <c>deal.lost</c>.</summary>
internal static class DealOutcome
{
    public static async Task PublishAsync(Deal deal, StageRef stage, string stageStatus, Guid? actor, Outbox outbox, CancellationToken ct)
    {
        if (stageStatus == "won")
        {
            await outbox.EnqueueAsync(new DealWon(deal.Id, actor, deal.Title, stage, deal.Amount, deal.Currency), ct);
        }
        else if (stageStatus == "lost")
        {
            await outbox.EnqueueAsync(new DealLost(deal.Id, actor, deal.Title, stage, deal.Amount, deal.Currency), ct);
        }
    }
}
