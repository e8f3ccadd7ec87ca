namespace OpsDash.Modules.Crm.Leads;

/// <summary>deleteLead: a soft delete; the lead leaves every read and the usage count. A converted lead's contact and deal stay.</summary>
internal static class DeleteLead
{
    private const string DeleteSql = """
        update crm.leads set deleted_at = now()
         where org_id = @OrgId and id = @Id and deleted_at is null
        """;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapDelete("/leads/{leadId:guid}", HandleAsync)
            .RequireNonViewer()
            .WithName("DeleteLead")
            .WithSummary("Soft-delete a lead.");

    private static async Task<NoContent> HandleAsync(Guid leadId, OrgContext org, AuditLog audit, DbSession db, CancellationToken ct)
    {
        if (await db.ExecuteAsync(DeleteSql, new { OrgId = org.Id, Id = leadId }, ct) == 0)
        {
            throw new NotFoundException("Lead not found.");
        }

        await audit.WriteAsync("lead.deleted", "lead", leadId, ct: ct);
        return TypedResults.NoContent();
    }
}
