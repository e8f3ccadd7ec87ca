using System.Text.Json;

namespace OpsDash.Modules.Crm.Companies.Enrichment;

/// <summary>What the last enrichment found, with its provenance; null before the first one ran.</summary>
internal static class GetCompanyEnrichment
{
    public sealed record Response(Guid CompanyId, JsonElement? Enrichment);

    private const string GetSql = """
        select enrichment::text from crm.companies where org_id = @OrgId and id = @Id and deleted_at is null
        """;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapGet("/companies/{companyId:guid}/enrichment", HandleAsync)
            .WithName("GetCompanyEnrichment")
            .WithSummary("The company's enrichment (source, status, time and what was found), null until one ran.");

    private static async Task<Ok<Response>> HandleAsync(Guid companyId, OrgContext org, DbSession db, CancellationToken ct)
    {
        var rows = (await db.QueryAsync<string?>(GetSql, new { OrgId = org.Id, Id = companyId }, ct)).ToList();
        if (rows.Count == 0)
        {
            throw new NotFoundException("Company not found.");
        }

        return TypedResults.Ok(new Response(companyId, rows[0] is { } json ? JsonSerializer.Deserialize<JsonElement>(json) : null));
    }
}
