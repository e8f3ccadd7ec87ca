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
        Guid contactId, Request request, OrgContext org, TenantContext tenant, AuditLog audit, Outbox outbox, DbSession db, CancellationToken ct) =>
        TypedResults.Ok((await ApplyAsync(org.Id, contactId, _ => request, tenant.UserId, audit, outbox, db, ct)).After);

    /// <summary>The request as the contact stands: what a change of one field starts from.</summary>
    internal static Request From(Contact c) => new(c.FirstName, c.LastName, c.Email, c.Phone, c.Title, c.CompanyId, c.OwnerUserId, c.Tags);

    /// <summary>
    /// Locks the contact and writes <paramref name="change"/>'s request (valid: the caller checks it) when it changes
    /// anything; shared with <see cref="CrmActions"/>. Returns the contact after and the fields that changed.
    /// </summary>
    internal static async Task<(Contact After, IReadOnlyList<string> Changed)> ApplyAsync(
        Guid orgId, Guid contactId, Func<Contact, Request> change, Guid? actorUserId, AuditLog audit, Outbox outbox, DbSession db, CancellationToken ct)
    {
        var before = await db.QuerySingleOrDefaultAsync<Contact>(LockSql, new { OrgId = orgId, Id = contactId }, ct)
            ?? throw new NotFoundException("Contact not found.");
        var request = change(before);
        var changed = ContactFields.Diff(before.Snapshot(), ContactFields.Snapshot(contactId, request));
        if (changed.Count == 0)
        {
            return (before, changed);
        }

        var after = await db.QuerySingleAsync<Contact>(UpdateSql, ContactFields.Parameters(orgId, contactId, request), ct);
        await audit.WriteAsync("contact.updated", "contact", contactId, new { changedFields = changed }, ct);
        await outbox.EnqueueAsync(new ContactUpdated(contactId, actorUserId, changed, before.Snapshot(), after.Snapshot()), ct);
        return (after, changed);
    }
}
