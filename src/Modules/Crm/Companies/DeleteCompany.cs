namespace OpsDash.Modules.Crm.Companies;

/// <summary>deleteCompany: a soft delete; its contacts keep the id but no longer show the company.</summary>
internal static class DeleteCompany
{
    private const string DeleteSql = """
        update crm.companies set deleted_at = now()
         where org_id = @OrgId and id = @Id and deleted_at is null
        """;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapDelete("/companies/{companyId:guid}", HandleAsync)
            .RequireNonViewer()
            .WithName("DeleteCompany")
            .WithSummary("Soft-delete a company.");

    private static async Task<NoContent> HandleAsync(Guid companyId, OrgContext org, AuditLog audit, DbSession db, CancellationToken ct)
    {
        if (await db.ExecuteAsync(DeleteSql, new { OrgId = org.Id, Id = companyId }, ct) == 0)
        {
            throw new NotFoundException("Company not found.");
        }

        await audit.WriteAsync("company.deleted", "company", companyId, ct: ct);
        return TypedResults.NoContent();
    }
}
