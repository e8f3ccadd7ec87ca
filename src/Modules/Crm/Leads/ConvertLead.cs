using OpsDash.Modules.Crm.Contacts;
using OpsDash.Modules.Crm.Contracts;
using OpsDash.Modules.Crm.Deals;

namespace OpsDash.Modules.Crm.Leads;

/// <summary>
/// convertLeadToContactAndDeal, in one transaction: lock the lead (crm.begin_lead_conversion: 404, or 409
/// lead_already_converted, also for the loser of a concurrent double convert), take the live contact
/// with the lead's email or create one (counts against <c>crm:contacts</c>; the company is the live one
/// named like the lead's, if any), create the deal (counts against <c>crm:deals</c>; the given stage or
/// the first open one), mark the lead converted (crm.finish_lead_conversion) and publish
/// <c>lead.converted</c> (and <c>contact.created</c> for a new contact). Any failure leaves nothing.
/// </summary>
internal static class ConvertLead
{
    public sealed record Request(string? DealTitle, decimal? Amount, string? Currency, Guid? StageId, DateOnly? ExpectedCloseDate);

    public sealed record Response(Lead Lead, Contact Contact, bool ContactCreated, Deal Deal);

    internal sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.DealTitle).Must(t => t is null || t.Trim().Length is >= 1 and <= 200).WithMessage("Deal title must be 1 to 200 characters.");
            RuleFor(r => r.Amount).InclusiveBetween(0m, DealFieldsValidator.MaxAmount)
                .Must(a => a is null || decimal.Round(a.Value, 2) == a.Value).WithMessage("Amount must have at most two decimal places.");
            RuleFor(r => r.Currency).Matches("^[A-Z]{3}$").WithMessage("Currency must be an ISO 4217 code such as EUR.");
        }
    }

    private sealed record Source(string Name, string? Email, string? Phone, string? CompanyName, Guid? OwnerUserId);

    private const string BeginSql = """
        select name, email, phone, company_name, owner_user_id
          from crm.begin_lead_conversion(@OrgId, @Id)
        """;

    private const string ContactByEmailSql = ContactFields.Select + """
         where c.org_id = @OrgId and c.email = @Email and c.deleted_at is null
        """;

    private const string CompanyByNameSql = """
        select id from crm.companies
         where org_id = @OrgId and sort_name = lower(@Name) and deleted_at is null
         order by created_at, id
         limit 1
        """;

    private const string FinishSql = "select crm.finish_lead_conversion(@OrgId, @Id, @ContactId, @DealId)";

    private const string LeadSql = LeadFields.Select + " where l.org_id = @OrgId and l.id = @Id";

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapPost("/leads/{leadId:guid}/convert", HandleAsync)
            .RequireNonViewer()
            .Validate<Request>()
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.FeatureUnavailable, ErrorCodes.LimitReached) // CheckUsageLimitAsync
            .ProducesError(StatusCodes.Status409Conflict, ErrorCodes.Conflict) // lead_already_converted
            .WithName("ConvertLead")
            .WithSummary("Convert a lead into a contact and a deal, atomically and once; publishes lead.converted.");

    private static async Task<Ok<Response>> HandleAsync(
        Guid leadId, Request request, OrgContext org, TenantContext tenant, FeatureAccess features, AuditLog audit, Outbox outbox,
        DbSession db, CancellationToken ct)
    {
        var args = new { OrgId = org.Id, Id = leadId };
        var source = await db.QuerySingleAsync<Source>(BeginSql, args, ct);
        var companyId = source.CompanyName is null
            ? null
            : await db.QuerySingleOrDefaultAsync<Guid?>(CompanyByNameSql, new { OrgId = org.Id, Name = source.CompanyName }, ct);

        var contact = source.Email is null ? null : await db.QuerySingleOrDefaultAsync<Contact>(ContactByEmailSql, new { OrgId = org.Id, source.Email }, ct);
        var contactCreated = contact is null;
        if (contact is null)
        {
            contact = await CreateContactAsync(source, companyId, org, features, db, ct);
            await audit.WriteAsync("contact.created", "contact", contact.Id, new { leadId }, ct);
            await outbox.EnqueueAsync(new ContactCreated(contact.Id, tenant.UserId, contact.Snapshot()), ct);
        }

        var deal = await CreateDealAsync(request, source, contact.Id, companyId, org, features, db, ct);
        await db.ExecuteAsync(FinishSql, new { OrgId = org.Id, Id = leadId, ContactId = contact.Id, DealId = deal.Id }, ct);
        var lead = await db.QuerySingleAsync<Lead>(LeadSql, args, ct);

        await audit.WriteAsync("deal.created", "deal", deal.Id, new { leadId }, ct);
        await audit.WriteAsync("lead.converted", "lead", leadId, new { contactId = contact.Id, dealId = deal.Id, contactCreated }, ct);
        var stage = new StageRef(deal.StageId, deal.StageName);
        await outbox.EnqueueAsync(
            new LeadConverted(leadId, tenant.UserId, contact.Id, contactCreated, deal.Id, deal.Title, stage, deal.Amount, deal.Currency, lead.Snapshot()), ct);
        await DealOutcome.PublishAsync(deal, stage, deal.Status, tenant.UserId, outbox, ct);
        return TypedResults.Ok(new Response(lead, contact, contactCreated, deal));
    }

    private static async Task<Contact> CreateContactAsync(Source source, Guid? companyId, OrgContext org, FeatureAccess features, DbSession db, CancellationToken ct)
    {
        await features.CheckUsageLimitAsync("crm:contacts", () => db.QuerySingleAsync<long>(CreateContact.CountSql, new { OrgId = org.Id }, ct), ct: ct);
        var name = source.Name.Trim();
        var space = name.IndexOf(' ', StringComparison.Ordinal);
        var fields = new CreateContact.Request(
            space < 0 ? name : name[..space], space < 0 ? null : name[(space + 1)..].Trim(),
            source.Email, source.Phone, Title: null, companyId, source.OwnerUserId, Tags: null);
        return await db.QuerySingleAsync<Contact>(CreateContact.InsertSql, ContactFields.Parameters(org.Id, Guid.CreateVersion7(), fields), ct);
    }

    private static async Task<Deal> CreateDealAsync(
        Request request, Source source, Guid contactId, Guid? companyId, OrgContext org, FeatureAccess features, DbSession db, CancellationToken ct)
    {
        await features.CheckUsageLimitAsync("crm:deals", () => db.QuerySingleAsync<long>(CreateDeal.CountSql, new { OrgId = org.Id }, ct), ct: ct);
        await db.ExecuteAsync(DealFields.EnsureStagesSql, new { OrgId = org.Id }, ct);
        var id = Guid.CreateVersion7();
        var fields = new CreateDeal.Request(
            request.DealTitle ?? source.CompanyName ?? source.Name, request.StageId, contactId, companyId, source.OwnerUserId,
            request.Amount, request.Currency, request.ExpectedCloseDate);
        await db.ExecuteAsync(CreateDeal.InsertSql, DealFields.Parameters(org.Id, id, fields, request.StageId), ct);
        return (await db.QuerySingleAsync<DealFields.Row>(CreateDeal.GetSql, new { OrgId = org.Id, Id = id }, ct)).Deal;
    }
}
