namespace OpsDash.Modules.Crm.Pipeline;

/// <summary>deletePipelineStage (owners and admins): crm.delete_pipeline_stage; 409 stage_in_use while live deals are in it, 409 last_open_stage.</summary>
internal static class DeletePipelineStage
{
    private const string DeleteSql = "select crm.delete_pipeline_stage(@OrgId, @Id)";

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapDelete("/pipeline-stages/{stageId:guid}", HandleAsync)
            .RequireOrgAdmin()
            .ProducesError(StatusCodes.Status409Conflict, ErrorCodes.Conflict)
            .WithName("DeletePipelineStage")
            .WithSummary("Remove a stage no live deal is in; the pipeline keeps at least one open stage.");

    private static async Task<NoContent> HandleAsync(Guid stageId, OrgContext org, AuditLog audit, DbSession db, CancellationToken ct)
    {
        await db.ExecuteAsync(DeleteSql, new { OrgId = org.Id, Id = stageId }, ct);
        await audit.WriteAsync("pipeline_stage.deleted", "pipeline_stage", stageId, ct: ct);
        return TypedResults.NoContent();
    }
}
