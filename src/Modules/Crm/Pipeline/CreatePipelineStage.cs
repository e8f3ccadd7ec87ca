namespace OpsDash.Modules.Crm.Pipeline;

/// <summary>
/// createPipelineStage (owners and admins): appended after the last stage; a second won or lost stage, or one
/// past <see cref="PipelineStageLimits.MaxStages"/> (409 too_many_stages, crm.check_stage_count), is refused.
/// </summary>
internal static class CreatePipelineStage
{
    public sealed record Request(string Name, int Probability, bool IsWon, bool IsLost) : IStageFields;

    internal sealed class Validator : AbstractValidator<Request>
    {
        public Validator() => Include(new StageFieldsValidator());
    }

    private const string InsertSql = """
        insert into crm.pipeline_stages (org_id, id, name, position, is_won, is_lost, probability)
        values (@OrgId, @Id, @Name,
                coalesce((select max(s.position) + 1 from crm.pipeline_stages s where s.org_id = @OrgId and s.deleted_at is null), 0),
                @IsWon, @IsLost, @Probability)
        returning
        """ + " " + StageFields.Columns;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapPost("/pipeline-stages", HandleAsync)
            .RequireOrgAdmin()
            .Validate<Request>()
            .ProducesError(StatusCodes.Status409Conflict, ErrorCodes.Conflict) // uq_pipeline_stages_name / _is_won / _is_lost, too_many_stages
            .WithName("CreatePipelineStage")
            .WithSummary("Add a stage at the end of the pipeline (at most 100 stages, one won and one lost).");

    private static async Task<Created<PipelineStage>> HandleAsync(Request request, OrgContext org, AuditLog audit, DbSession db, CancellationToken ct)
    {
        await db.ExecuteAsync(StageFields.EnsureSql, new { OrgId = org.Id }, ct);
        await db.ExecuteAsync("select crm.lock_pipeline(@OrgId)", new { OrgId = org.Id }, ct);
        var stage = await db.QuerySingleAsync<PipelineStage>(
            InsertSql,
            new { OrgId = org.Id, Id = Guid.CreateVersion7(), Name = request.Name.Trim(), request.IsWon, request.IsLost, Probability = (short)request.Probability },
            ct);
        await audit.WriteAsync("pipeline_stage.created", "pipeline_stage", stage.Id, ct: ct);
        return TypedResults.Created($"/api/v1/orgs/{org.Current.Slug}/pipeline-stages/{stage.Id}", stage);
    }
}
