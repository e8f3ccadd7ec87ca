namespace OpsDash.Modules.Crm.Contacts;

/// <summary>deleteContact: a soft delete; the row stays for what references it, and leaves every read and the usage count.</summary>
internal static class DeleteContact
{
    private const string DeleteSql = """
        update crm.contacts set deleted_at = now()
         where org_id = @OrgId and id = @Id and deleted_at is null
        """;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapDelete("/contacts/{contactId:guid}", HandleAsync)
            .RequireNonViewer()
            .WithName("DeleteContact")
            .WithSummary("Soft-delete a contact.");

    private static async Task<NoContent> HandleAsync(Guid contactId, OrgContext org, AuditLog audit, DbSession db, CancellationToken ct)
    {
        if (await db.ExecuteAsync(DeleteSql, new { OrgId = org.Id, Id = contactId }, ct) == 0)
        {
            throw new NotFoundException("Contact not found.");
        }

        await audit.WriteAsync("contact.deleted", "contact", contactId, ct: ct);
        return TypedResults.NoContent();
    }
}
