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

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapPut("/deals/{dealId:guid}", HandleAsync)
            .RequireNonViewer()
            .Validate<Request>()
            .WithName("UpdateDeal")
            .WithSummary("Replace a deal's fields (not its stage: POST /deals/{id}/stage).");

    private static async Task<Ok<Deal>> HandleAsync(Guid dealId, Request request, OrgContext org, AuditLog audit, DbSession db, CancellationToken ct)
    {
        if (await db.ExecuteAsync(UpdateSql, DealFields.Parameters(org.Id, dealId, request), ct) == 0)
        {
            throw new NotFoundException("Deal not found.");
        }

        await audit.WriteAsync("deal.updated", "deal", dealId, ct: ct);
        return TypedResults.Ok((await db.QuerySingleAsync<DealFields.Row>(GetSql, new { OrgId = org.Id, Id = dealId }, ct)).Deal);
    }
}
