namespace OpsDash.Modules.Crm.Pipeline;

/// <summary>reorderPipelineStages (owners and admins): every live stage's id, in the new order (crm.reorder_pipeline_stages).</summary>
internal static class ReorderPipelineStages
{
    public sealed record Request(IReadOnlyList<Guid> Ids);

    internal sealed class Validator : AbstractValidator<Request>
    {
        public Validator() => RuleFor(r => r.Ids).NotEmpty()
            .Must(ids => ids is null || ids.Count <= PipelineStageLimits.MaxStages).WithMessage($"At most {PipelineStageLimits.MaxStages} stages.");
    }

    private const string ReorderSql = "select crm.reorder_pipeline_stages(@OrgId, @Ids)";

    private const string ListSql = "select " + StageFields.Columns + """
          from crm.pipeline_stages
         where org_id = @OrgId and deleted_at is null
         order by position, id
        """;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapPost("/pipeline-stages/reorder", HandleAsync)
            .RequireOrgAdmin()
            .Validate<Request>()
            .WithName("ReorderPipelineStages")
            .WithSummary("Put the stages in the given order (ids: every stage exactly once).");

    private static async Task<Ok<IReadOnlyList<PipelineStage>>> HandleAsync(Request request, OrgContext org, AuditLog audit, DbSession db, CancellationToken ct)
    {
        await db.ExecuteAsync(StageFields.EnsureSql, new { OrgId = org.Id }, ct);
        await db.ExecuteAsync(ReorderSql, new { OrgId = org.Id, Ids = request.Ids.ToArray() }, ct);
        await audit.WriteAsync("pipeline_stage.reordered", "organization", org.Id, ct: ct);
        return TypedResults.Ok<IReadOnlyList<PipelineStage>>([.. await db.QueryAsync<PipelineStage>(ListSql, new { OrgId = org.Id }, ct)]);
    }
}
