namespace OpsDash.Modules.Crm.Leads;

/// <summary>getLead: one live lead, with the contact and deal it was converted into, if it was.</summary>
internal static class GetLead
{
    private const string GetSql = LeadFields.Select + " where l.org_id = @OrgId and l.id = @Id and l.deleted_at is null";

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapGet("/leads/{leadId:guid}", HandleAsync)
            .WithName("GetLead")
            .WithSummary("A lead.");

    private static async Task<Ok<Lead>> HandleAsync(Guid leadId, OrgContext org, DbSession db, CancellationToken ct) =>
        TypedResults.Ok(await db.QuerySingleOrDefaultAsync<Lead>(GetSql, new { OrgId = org.Id, Id = leadId }, ct)
            ?? throw new NotFoundException("Lead not found."));
}
