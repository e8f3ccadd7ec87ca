namespace OpsDash.Modules.Crm.Deals;

/// <summary>updateDeal: replaces the deal's fields (absent optional fields become empty); the stage moves through ChangeDealStage.</summary>
internal static class UpdateDeal
{
    public sealed record Request(
        string Title, Guid? ContactId, Guid? CompanyId, Guid? OwnerUserId,
        decimal? Amount, string? Currency, DateOnly? ExpectedCloseDate) : IDealFields;

    internal sealed class Validator : AbstractValidator<Request>
    {
        public Validator() => Include(new DealFieldsValidator());
    }

    private const string UpdateSql = """
        update crm.deals
           set title = @Title, contact_id = @ContactId, company_id = @CompanyId, owner_user_id = @OwnerUserId,
               amount = @Amount, currency = @Currency, expected_close_date = @ExpectedCloseDate::date
         where org_id = @OrgId and id = @Id and deleted_at is null
        """;

    private const string GetSql = DealFields.Select + " where d.org_id = @OrgId and d.id = @Id";

    private const string LockSql = DealFields.Select + " where d.org_id = @OrgId and d.id = @Id and d.deleted_at is null for update of d";

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapPut("/deals/{dealId:guid}", HandleAsync)
            .RequireNonViewer()
            .Validate<Request>()
            .WithName("UpdateDeal")
            .WithSummary("Replace a deal's fields (not its stage: POST /deals/{id}/stage).");

    private static async Task<Ok<Deal>> HandleAsync(Guid dealId, Request request, OrgContext org, AuditLog audit, DbSession db, CancellationToken ct) =>
        TypedResults.Ok(await UpdateAsync(org.Id, dealId, request, audit, db, ct));

    /// <summary>The request as the deal stands: what a change of one field starts from.</summary>
    internal static Request From(Deal d) => new(d.Title, d.ContactId, d.CompanyId, d.OwnerUserId, d.Amount, d.Currency, d.ExpectedCloseDate);

    /// <summary>The write itself, shared with <see cref="CrmActions"/>; <paramref name="request"/> is valid.</summary>
    internal static async Task<Deal> UpdateAsync(Guid orgId, Guid dealId, Request request, AuditLog audit, DbSession db, CancellationToken ct)
    {
        if (await db.ExecuteAsync(UpdateSql, DealFields.Parameters(orgId, dealId, request), ct) == 0)
        {
            throw new NotFoundException("Deal not found.");
        }

        await audit.WriteAsync("deal.updated", "deal", dealId, ct: ct);
        return (await db.QuerySingleAsync<DealFields.Row>(GetSql, new { OrgId = orgId, Id = dealId }, ct)).Deal;
    }

    /// <summary>The deal as it stands, locked until commit; null when it is not a live deal of the org.</summary>
    internal static async Task<Deal?> LockAsync(Guid orgId, Guid dealId, DbSession db, CancellationToken ct) =>
        (await db.QuerySingleOrDefaultAsync<DealFields.Row>(LockSql, new { OrgId = orgId, Id = dealId }, ct))?.Deal;
}
