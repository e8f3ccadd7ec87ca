namespace OpsDash.Modules.Crm.Contacts;

/// <summary>bulkDeleteContacts (Pro, <c>crm:bulk</c>): soft-deletes up to 100 contacts, all or nothing (an unknown id is a 404).</summary>
internal static class BulkDeleteContacts
{
    public sealed record Request(IReadOnlyList<Guid> Ids);

    public sealed record Response(int Deleted);

    internal sealed class Validator : AbstractValidator<Request>
    {
        public Validator() =>
            RuleFor(r => r.Ids).NotEmpty().Must(ids => ids is null || ids.Count <= BulkUpdateContacts.MaxIds)
                .WithMessage($"At most {BulkUpdateContacts.MaxIds} ids.");
    }

    private const string DeleteSql = """
        update crm.contacts set deleted_at = now()
         where org_id = @OrgId and id = any (@Ids) and deleted_at is null
        """;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapPost("/contacts/bulk-delete", HandleAsync)
            .RequireNonViewer()
            .RequireFeature("crm:bulk")
            .Validate<Request>()
            .WithName("BulkDeleteContacts")
            .WithSummary("Soft-delete up to 100 contacts, all or nothing (Pro).");

    private static async Task<Ok<Response>> HandleAsync(Request request, OrgContext org, AuditLog audit, DbSession db, CancellationToken ct)
    {
        var ids = request.Ids.Distinct().ToArray();
        // Rolled back by the unit of work when short: an id from elsewhere deletes nothing here.
        if (await db.ExecuteAsync(DeleteSql, new { OrgId = org.Id, Ids = ids }, ct) != ids.Length)
        {
            throw new NotFoundException("One or more contacts were not found.");
        }

        await audit.WriteAsync("contact.bulk_deleted", "contact", null, new { ids }, ct);
        return TypedResults.Ok(new Response(ids.Length));
    }
}
