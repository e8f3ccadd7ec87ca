using OpsDash.Modules.Crm.Contracts;

namespace OpsDash.Modules.Crm.Contacts;

/// <summary>
/// createContact: counts against <c>crm:contacts</c> (live rows; the check holds a per-org lock until
/// commit, so a burst cannot pass the cap), writes the row, its audit entry and <c>contact.created</c>
/// in one transaction. A company must be a live one of the org and the owner a member (0040).
/// </summary>
internal static class CreateContact
{
    public sealed record Request(
        string FirstName, string? LastName, string? Email, string? Phone, string? Title,
        Guid? CompanyId, Guid? OwnerUserId, IReadOnlyList<string>? Tags) : IContactFields;

    internal sealed class Validator : AbstractValidator<Request>
    {
        public Validator() => Include(new ContactFieldsValidator());
    }

    internal const string CountSql = """
        select count(*) from crm.contacts where org_id = @OrgId and deleted_at is null
        """;

    internal const string InsertSql = """
        with c as (
            insert into crm.contacts (org_id, id, first_name, last_name, email, phone, title, company_id, owner_user_id, tags)
            values (@OrgId, @Id, @FirstName, @LastName, @Email, @Phone, @Title, @CompanyId, @OwnerUserId, @Tags)
            returning org_id, id, first_name, last_name, email, phone, title, company_id, owner_user_id, tags, created_at, updated_at)
        """ + ContactFields.FromWritten;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapPost("/contacts", HandleAsync)
            .RequireNonViewer()
            .Validate<Request>()
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.FeatureUnavailable, ErrorCodes.LimitReached) // CheckUsageLimitAsync
            .ProducesError(StatusCodes.Status409Conflict, ErrorCodes.Conflict) // uq_contacts_email
            .WithName("CreateContact")
            .WithSummary("Create a contact (counts against the plan's crm:contacts limit).");

    private static async Task<Created<Contact>> HandleAsync(
        Request request, OrgContext org, TenantContext tenant, FeatureAccess features, AuditLog audit, Outbox outbox, DbSession db, CancellationToken ct)
    {
        await features.CheckUsageLimitAsync("crm:contacts", () => db.QuerySingleAsync<long>(CountSql, new { OrgId = org.Id }, ct), ct: ct);
        var contact = await db.QuerySingleAsync<Contact>(InsertSql, ContactFields.Parameters(org.Id, Guid.CreateVersion7(), request), ct);
        await audit.WriteAsync("contact.created", "contact", contact.Id, ct: ct);
        await outbox.EnqueueAsync(new ContactCreated(contact.Id, tenant.UserId, contact.Snapshot()), ct);
        return TypedResults.Created($"/api/v1/orgs/{org.Current.Slug}/contacts/{contact.Id}", contact);
    }
}
