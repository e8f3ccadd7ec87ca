using OpsDash.Modules.Crm.Contracts;

namespace OpsDash.Modules.Crm.Contacts;

/// <summary>
/// updateContact: replaces the contact's fields (absent optional fields become empty). The row is
/// locked first, so the changed fields in the audit entry and in <c>contact.updated</c> are exactly
/// what this request changed; an update that changes nothing writes nothing.
/// </summary>
internal static class UpdateContact
{
    public sealed record Request(
        string FirstName, string? LastName, string? Email, string? Phone, string? Title,
        Guid? CompanyId, Guid? OwnerUserId, IReadOnlyList<string>? Tags) : IContactFields;

    internal sealed class Validator : AbstractValidator<Request>
    {
        public Validator() => Include(new ContactFieldsValidator());
    }

    private const string LockSql = ContactFields.Select + """
         where c.org_id = @OrgId and c.id = @Id and c.deleted_at is null
           for update of c
        """;

    private const string UpdateSql = """
        with c as (
            update crm.contacts
               set first_name = @FirstName, last_name = @LastName, email = @Email, phone = @Phone, title = @Title,
                   company_id = @CompanyId, owner_user_id = @OwnerUserId, tags = @Tags
             where org_id = @OrgId and id = @Id and deleted_at is null
            returning org_id, id, first_name, last_name, email, phone, title, company_id, owner_user_id, tags, created_at, updated_at)
        """ + ContactFields.FromWritten;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapPut("/contacts/{contactId:guid}", HandleAsync)
            .RequireNonViewer()
            .Validate<Request>()
            .ProducesError(StatusCodes.Status409Conflict, ErrorCodes.Conflict) // uq_contacts_email
            .WithName("UpdateContact")
            .WithSummary("Replace a contact's fields; publishes contact.updated with the fields that changed.");

    private static async Task<Ok<Contact>> HandleAsync(
        Guid contactId, Request request, OrgContext org, TenantContext tenant, AuditLog audit, Outbox outbox, DbSession db, CancellationToken ct)
    {
        var before = await db.QuerySingleOrDefaultAsync<Contact>(LockSql, new { OrgId = org.Id, Id = contactId }, ct)
            ?? throw new NotFoundException("Contact not found.");
        var changed = ContactFields.Diff(before.Snapshot(), ContactFields.Snapshot(contactId, request));
        if (changed.Count == 0)
        {
            return TypedResults.Ok(before);
        }

        var after = await db.QuerySingleAsync<Contact>(UpdateSql, ContactFields.Parameters(org.Id, contactId, request), ct);
        await audit.WriteAsync("contact.updated", "contact", contactId, new { changedFields = changed }, ct);
        await outbox.EnqueueAsync(new ContactUpdated(contactId, tenant.UserId, changed, before.Snapshot(), after.Snapshot()), ct);
        return TypedResults.Ok(after);
    }
}
