namespace OpsDash.Modules.Crm.Leads;

/// <summary>
/// updateLead: replaces the lead's fields (absent optional fields become empty; an absent status keeps
/// the current one). A converted lead keeps its status: setting another is a 400 on status
/// (ck_leads_status__converted), its other fields stay editable.
/// </summary>
internal static class UpdateLead
{
    public sealed record Request(
        string Name, string? Email, string? Phone, string? CompanyName, string? Source, string? Status, Guid? OwnerUserId, string? Notes) : ILeadFields;

    internal sealed class Validator : AbstractValidator<Request>
    {
        public Validator() => Include(new LeadFieldsValidator());
    }

    private const string UpdateSql = """
        update crm.leads as l
           set name = @Name, email = @Email, phone = @Phone, company_name = @CompanyName, source = @Source,
               status = coalesce(@Status, l.status), owner_user_id = @OwnerUserId, notes = @Notes
         where l.org_id = @OrgId and l.id = @Id and l.deleted_at is null
        returning
        """ + " " + LeadFields.Columns;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapPut("/leads/{leadId:guid}", HandleAsync)
            .RequireNonViewer()
            .Validate<Request>()
            .WithName("UpdateLead")
            .WithSummary("Replace a lead's fields.");

    private static async Task<Ok<Lead>> HandleAsync(Guid leadId, Request request, OrgContext org, AuditLog audit, DbSession db, CancellationToken ct)
    {
        var lead = await db.QuerySingleOrDefaultAsync<Lead>(UpdateSql, LeadFields.Parameters(org.Id, leadId, request, statusWhenAbsent: null), ct)
            ?? throw new NotFoundException("Lead not found.");
        await audit.WriteAsync("lead.updated", "lead", leadId, ct: ct);
        return TypedResults.Ok(lead);
    }
}
