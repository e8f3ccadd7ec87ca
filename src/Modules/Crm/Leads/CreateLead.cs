using OpsDash.Modules.Crm.Contracts;

namespace OpsDash.Modules.Crm.Leads;

/// <summary>
/// createLead: counts against <c>crm:leads</c> (live rows, under the per-org lock of the limit check, so
/// a burst cannot pass the cap), writes the lead, its audit entry and <c>lead.created</c> in one
/// transaction. The owner must be a member of the org (0047's foreign key).
/// </summary>
internal static class CreateLead
{
    public sealed record Request(
        string Name, string? Email, string? Phone, string? CompanyName, string? Source, string? Status, Guid? OwnerUserId, string? Notes) : ILeadFields;

    internal sealed class Validator : AbstractValidator<Request>
    {
        public Validator() => Include(new LeadFieldsValidator());
    }

    private const string CountSql = """
        select count(*) from crm.leads where org_id = @OrgId and deleted_at is null
        """;

    private const string InsertSql = """
        insert into crm.leads as l (org_id, id, name, email, phone, company_name, source, status, owner_user_id, notes)
        values (@OrgId, @Id, @Name, @Email, @Phone, @CompanyName, @Source, @Status, @OwnerUserId, @Notes)
        returning
        """ + " " + LeadFields.Columns;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapPost("/leads", HandleAsync)
            .RequireNonViewer()
            .Validate<Request>()
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.FeatureUnavailable, ErrorCodes.LimitReached) // CheckUsageLimitAsync
            .WithName("CreateLead")
            .WithSummary("Create a lead (counts against the plan's crm:leads limit); publishes lead.created.");

    private static async Task<Created<Lead>> HandleAsync(
        Request request, OrgContext org, TenantContext tenant, FeatureAccess features, AuditLog audit, Outbox outbox, DbSession db, CancellationToken ct)
    {
        await features.CheckUsageLimitAsync("crm:leads", () => db.QuerySingleAsync<long>(CountSql, new { OrgId = org.Id }, ct), ct: ct);
        var lead = await db.QuerySingleAsync<Lead>(InsertSql, LeadFields.Parameters(org.Id, Guid.CreateVersion7(), request, statusWhenAbsent: "new"), ct);
        await audit.WriteAsync("lead.created", "lead", lead.Id, ct: ct);
        await outbox.EnqueueAsync(new LeadCreated(lead.Id, tenant.UserId, lead.Snapshot()), ct);
        return TypedResults.Created($"/api/v1/orgs/{org.Current.Slug}/leads/{lead.Id}", lead);
    }
}
