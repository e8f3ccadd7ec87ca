using OpsDash.Modules.Crm.Contracts;

namespace OpsDash.Modules.Crm.Contacts;

/// <summary>
/// bulkUpdateContacts (Pro, <c>crm:bulk</c>): sets the owner and/or company and adds or removes tags
/// on up to 100 contacts, all or nothing: an id that is not a live contact of the org is a 404 and
/// nothing changes. Each contact that changed gets its own <c>contact.updated</c>.
/// </summary>
internal static class BulkUpdateContacts
{
    public const int MaxIds = 100;

    public sealed record Request(
        IReadOnlyList<Guid> Ids, Guid? OwnerUserId, Guid? CompanyId, IReadOnlyList<string>? AddTags, IReadOnlyList<string>? RemoveTags);

    public sealed record Response(int Matched, int Updated);

    internal sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Ids).NotEmpty().Must(ids => ids is null || ids.Count <= MaxIds).WithMessage($"At most {MaxIds} ids.");
            RuleFor(r => r.AddTags).ContactTags();
            RuleFor(r => r.RemoveTags).ContactTags();
            RuleFor(r => r).Must(r => r.OwnerUserId is not null || r.CompanyId is not null || r.AddTags is { Count: > 0 } || r.RemoveTags is { Count: > 0 })
                .WithName("body").WithMessage("Give at least one of ownerUserId, companyId, addTags, removeTags.");
        }
    }

    private const string LockSql = ContactFields.Select + """
         where c.org_id = @OrgId and c.id = any (@Ids) and c.deleted_at is null
         order by c.id
           for update of c
        """;

    // Tags keep their order: existing ones first, then the added ones, without repeats or the removed ones.
    private const string UpdateSql = """
        with c as (
            update crm.contacts
               set owner_user_id = coalesce(@OwnerUserId::uuid, owner_user_id),
                   company_id = coalesce(@CompanyId::uuid, company_id),
                   tags = array(select u.t from unnest(tags || @AddTags::text[]) with ordinality u(t, n)
                                 where not (u.t = any (@RemoveTags::text[]))
                                 group by u.t order by min(u.n))
             where org_id = @OrgId and id = any (@Ids) and deleted_at is null
            returning org_id, id, first_name, last_name, email, phone, title, company_id, owner_user_id, tags, created_at, updated_at)
        """ + ContactFields.FromWritten;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapPost("/contacts/bulk-update", HandleAsync)
            .RequireNonViewer()
            .RequireFeature("crm:bulk")
            .Validate<Request>()
            .WithName("BulkUpdateContacts")
            .WithSummary("Set owner/company and add/remove tags on up to 100 contacts, all or nothing (Pro).");

    private static async Task<Ok<Response>> HandleAsync(
        Request request, OrgContext org, TenantContext tenant, AuditLog audit, Outbox outbox, DbSession db, CancellationToken ct)
    {
        var ids = request.Ids.Distinct().ToArray();
        var before = (await db.QueryAsync<Contact>(LockSql, new { OrgId = org.Id, Ids = ids }, ct)).ToDictionary(c => c.Id);
        if (before.Count != ids.Length)
        {
            throw new NotFoundException("One or more contacts were not found.");
        }

        var after = await db.QueryAsync<Contact>(
            UpdateSql,
            new
            {
                OrgId = org.Id,
                Ids = ids,
                request.OwnerUserId,
                request.CompanyId,
                AddTags = ContactFields.Tags(request.AddTags),
                RemoveTags = ContactFields.Tags(request.RemoveTags),
            },
            ct);

        var updated = 0;
        foreach (var contact in after)
        {
            var old = before[contact.Id].Snapshot();
            var changed = ContactFields.Diff(old, contact.Snapshot());
            if (changed.Count > 0)
            {
                updated++;
                await outbox.EnqueueAsync(new ContactUpdated(contact.Id, tenant.UserId, changed, old, contact.Snapshot()), ct);
            }
        }

        await audit.WriteAsync("contact.bulk_updated", "contact", null, new { ids, updated }, ct);
        return TypedResults.Ok(new Response(ids.Length, updated));
    }
}
