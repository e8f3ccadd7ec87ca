using OpsDash.Modules.Crm.Contracts;

namespace OpsDash.Modules.Crm.Deals;

/// <summary>
/// createDeal: counts against <c>crm:deals</c>, goes into the given stage or the first open one
/// (the pipeline is seeded on first use), and starts its stage history (0041's trigger). Stage,
/// contact and company must be live ones of the org, the owner a member (0041). A deal created
/// straight into the won or lost stage publishes <c>deal.won</c> / <c>deal.lost</c>: it was won or lost.
/// </summary>
internal static class CreateDeal
{
    public sealed record Request(
        string Title, Guid? StageId, Guid? ContactId, Guid? CompanyId, Guid? OwnerUserId,
        decimal? Amount, string? Currency, DateOnly? ExpectedCloseDate) : IDealFields;

    internal sealed class Validator : AbstractValidator<Request>
    {
        public Validator() => Include(new DealFieldsValidator());
    }

    internal const string CountSql = """
        select count(*) from crm.deals where org_id = @OrgId and deleted_at is null
        """;

    internal const string InsertSql = """
        insert into crm.deals (org_id, id, title, stage_id, contact_id, company_id, owner_user_id, amount, currency, expected_close_date)
        values (@OrgId, @Id, @Title,
                coalesce(@StageId::uuid, (select s.id from crm.pipeline_stages s
                                           where s.org_id = @OrgId and s.deleted_at is null and not s.is_won and not s.is_lost
                                           order by s.position, s.id limit 1)),
                @ContactId, @CompanyId, @OwnerUserId, @Amount, @Currency, @ExpectedCloseDate::date)
        """;

    internal const string GetSql = DealFields.Select + " where d.org_id = @OrgId and d.id = @Id";

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapPost("/deals", HandleAsync)
            .RequireNonViewer()
            .Validate<Request>()
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.FeatureUnavailable, ErrorCodes.LimitReached) // CheckUsageLimitAsync
            .WithName("CreateDeal")
            .WithSummary("Create a deal (counts against the plan's crm:deals limit); without stageId it starts in the first open stage.");

    private static async Task<Created<Deal>> HandleAsync(
        Request request, OrgContext org, TenantContext tenant, FeatureAccess features, AuditLog audit, Outbox outbox, DbSession db, CancellationToken ct)
    {
        var deal = await CreateAsync(org.Id, request, tenant.UserId, features, audit, outbox, db, ct);
        return TypedResults.Created($"/api/v1/orgs/{org.Current.Slug}/deals/{deal.Id}", deal);
    }

    /// <summary>The write itself, shared with <see cref="CrmActions"/>; <paramref name="request"/> is valid.</summary>
    internal static async Task<Deal> CreateAsync(
        Guid orgId, Request request, Guid? actorUserId, FeatureAccess features, AuditLog audit, Outbox outbox, DbSession db, CancellationToken ct)
    {
        await features.CheckUsageLimitAsync("crm:deals", () => db.QuerySingleAsync<long>(CountSql, new { OrgId = orgId }, ct), ct: ct);
        await db.ExecuteAsync(DealFields.EnsureStagesSql, new { OrgId = orgId }, ct);
        var id = Guid.CreateVersion7();
        await db.ExecuteAsync(InsertSql, DealFields.Parameters(orgId, id, request, request.StageId), ct);
        var deal = (await db.QuerySingleAsync<DealFields.Row>(GetSql, new { OrgId = orgId, Id = id }, ct)).Deal;
        await audit.WriteAsync("deal.created", "deal", id, ct: ct);
        await DealOutcome.PublishAsync(deal, new StageRef(deal.StageId, deal.StageName), deal.Status, actorUserId, outbox, ct);
        return deal;
    }
}
