namespace OpsDash.Modules.Crm.Pipeline;

/// <summary>
/// updatePipelineStage (owners and admins): name, probability and the won/lost flags; deals in the
/// stage follow its flags (0041). The last open stage cannot become won or lost (409 last_open_stage).
/// </summary>
internal static class UpdatePipelineStage
{
    public sealed record Request(string Name, int Probability, bool IsWon, bool IsLost) : IStageFields;

    internal sealed class Validator : AbstractValidator<Request>
    {
        public Validator() => Include(new StageFieldsValidator());
    }

    private const string UpdateSql = """
        update crm.pipeline_stages
           set name = @Name, probability = @Probability, is_won = @IsWon, is_lost = @IsLost
         where org_id = @OrgId and id = @Id and deleted_at is null
        returning
        """ + " " + StageFields.Columns;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapPut("/pipeline-stages/{stageId:guid}", HandleAsync)
            .RequireOrgAdmin()
            .Validate<Request>()
            .ProducesError(StatusCodes.Status409Conflict, ErrorCodes.Conflict) // unique name/won/lost, last_open_stage
            .WithName("UpdatePipelineStage")
            .WithSummary("Change a stage's name, probability and won/lost flags.");

    private static async Task<Ok<PipelineStage>> HandleAsync(Guid stageId, Request request, OrgContext org, AuditLog audit, DbSession db, CancellationToken ct)
    {
        var stage = await db.QuerySingleOrDefaultAsync<PipelineStage>(
            UpdateSql,
            new { OrgId = org.Id, Id = stageId, Name = request.Name.Trim(), request.IsWon, request.IsLost, Probability = (short)request.Probability },
            ct) ?? throw new NotFoundException("Stage not found.");
        await audit.WriteAsync("pipeline_stage.updated", "pipeline_stage", stageId, ct: ct);
        return TypedResults.Ok(stage);
    }
}
