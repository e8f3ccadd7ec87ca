using OpsDash.Modules.Crm.Contracts;

namespace OpsDash.Modules.Crm.Deals;

/// <summary>
/// changeDealStage: crm.change_deal_stage locks the deal and moves it (the history row is its
/// trigger's), then this publishes <c>deal.stage_changed</c>, and <c>deal.won</c> or <c>deal.lost</c>
/// when the new stage is such, all in the request's transaction. The same stage again changes nothing.
/// </summary>
internal static class ChangeDealStage
{
    public sealed record Request(Guid StageId);

    public sealed record Response(Deal Deal, bool Changed, Guid FromStageId);

    internal sealed class Validator : AbstractValidator<Request>
    {
        public Validator() => RuleFor(r => r.StageId).NotEmpty();
    }

    private sealed record Move(bool Changed, Guid FromStageId, string FromName, Guid ToStageId, string ToName, string ToStatus);

    private const string ChangeSql = """
        select changed, from_stage_id, from_name, to_stage_id, to_name, to_status
          from crm.change_deal_stage(@OrgId, @Id, @StageId)
        """;

    private const string GetSql = DealFields.Select + " where d.org_id = @OrgId and d.id = @Id";

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapPost("/deals/{dealId:guid}/stage", HandleAsync)
            .RequireNonViewer()
            .Validate<Request>()
            .WithName("ChangeDealStage")
            .WithSummary("Move a deal to a stage; publishes deal.stage_changed, and deal.won or deal.lost on entering such a stage.");

    private static async Task<Ok<Response>> HandleAsync(
        Guid dealId, Request request, OrgContext org, TenantContext tenant, AuditLog audit, Outbox outbox, DbSession db, CancellationToken ct)
    {
        var args = new { OrgId = org.Id, Id = dealId, request.StageId };
        var move = await db.QuerySingleAsync<Move>(ChangeSql, args, ct);
        var deal = (await db.QuerySingleAsync<DealFields.Row>(GetSql, args, ct)).Deal;
        if (!move.Changed)
        {
            return TypedResults.Ok(new Response(deal, false, move.FromStageId));
        }

        var from = new StageRef(move.FromStageId, move.FromName);
        var to = new StageRef(move.ToStageId, move.ToName);
        await audit.WriteAsync("deal.stage_changed", "deal", dealId, new { fromStageId = from.Id, toStageId = to.Id }, ct);
        await outbox.EnqueueAsync(new DealStageChanged(dealId, tenant.UserId, deal.Title, from, to, deal.Amount, deal.Currency), ct);
        await DealOutcome.PublishAsync(deal, to, move.ToStatus, tenant.UserId, outbox, ct);
        return TypedResults.Ok(new Response(deal, true, move.FromStageId));
    }
}
