namespace OpsDash.Modules.Platform.Operations;

/// <summary>The queue across every org, for platform operators only (the SQL refuses anyone else with 403).</summary>
internal static class GetJobsSummary
{
    public static void Map(IEndpointRouteBuilder ops) =>
        ops.MapGet("/jobs/summary", HandleAsync)
            .ProducesError(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden)
            .WithName("GetJobsSummary")
            .WithSummary("Job counts by state and kind, the oldest pending job's age and the last minute's throughput (platform operators).");

    private static async Task<Ok<Summary>> HandleAsync(JobsSummary summary, CancellationToken ct) =>
        TypedResults.Ok(await summary.ReadAsync(ct));
}
