namespace OpsDash.Modules.Crm.Pipeline;

/// <summary>listPipelineStages: the org's live stages in order; the first read of a new org seeds the default pipeline.</summary>
internal static class ListPipelineStages
{
    private const string ListSql = "select " + StageFields.Columns + """
          from crm.pipeline_stages
         where org_id = @OrgId and deleted_at is null
         order by position, id
        """;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapGet("/pipeline-stages", HandleAsync)
            .WithName("ListPipelineStages")
            .WithSummary("The org's pipeline stages in order (a default pipeline until an admin changes it).");

    private static async Task<Ok<IReadOnlyList<PipelineStage>>> HandleAsync(OrgContext org, DbSession db, CancellationToken ct)
    {
        await db.ExecuteAsync(StageFields.EnsureSql, new { OrgId = org.Id }, ct);
        return TypedResults.Ok<IReadOnlyList<PipelineStage>>([.. await db.QueryAsync<PipelineStage>(ListSql, new { OrgId = org.Id }, ct)]);
    }
}
