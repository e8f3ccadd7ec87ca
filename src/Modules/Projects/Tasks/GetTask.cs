namespace OpsDash.Modules.Projects.Tasks;

internal static class GetTask
{
    public static void Map(IEndpointRouteBuilder org) =>
        org.MapGet("/tasks/{taskId:guid}", HandleAsync)
            .WithName("GetTask")
            .WithSummary("A task of a live project.");

    private static async Task<Ok<ProjectTask>> HandleAsync(Guid taskId, OrgContext org, DbSession db, CancellationToken ct) =>
        TypedResults.Ok((await db.QuerySingleOrDefaultAsync<TaskFields.Row>(TaskFields.SelectLive, new { OrgId = org.Id, Id = taskId }, ct)
            ?? throw new NotFoundException("Task not found.")).Task);
}
