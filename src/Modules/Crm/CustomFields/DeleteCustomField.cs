namespace OpsDash.Modules.Crm.CustomFields;

/// <summary>Removes a custom field definition (owners and admins); values already stored stay until the company is next written.</summary>
internal static class DeleteCustomField
{
    private const string DeleteSql = """
        delete from crm.custom_fields where org_id = @OrgId and id = @Id
        """;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapDelete("/custom-fields/{fieldId:guid}", HandleAsync)
            .RequireOrgAdmin()
            .WithName("DeleteCustomField")
            .WithSummary("Remove a custom field definition (owners and admins).");

    private static async Task<NoContent> HandleAsync(Guid fieldId, OrgContext org, AuditLog audit, DbSession db, CancellationToken ct)
    {
        if (await db.ExecuteAsync(DeleteSql, new { OrgId = org.Id, Id = fieldId }, ct) == 0)
        {
            throw new NotFoundException("Custom field not found.");
        }

        await audit.WriteAsync("custom_field.deleted", "custom_field", fieldId, ct: ct);
        return TypedResults.NoContent();
    }
}
