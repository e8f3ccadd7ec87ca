namespace OpsDash.Modules.Platform.Jobs;

/// <summary>A dead or retryable job of the org is cancelled and never runs again.</summary>
internal static class DiscardJob
{
    public static void Map(IEndpointRouteBuilder org) =>
        org.MapPost("/jobs/{id}/discard", HandleAsync)
            .RequireOrgAdmin()
            .ProducesError(StatusCodes.Status409Conflict, ErrorCodes.Conflict)
            .WithName("DiscardOrgJob")
            .WithSummary("Cancel a dead or retryable job (owners and admins). 409 reason job_not_discardable otherwise.");

    private static Task<Ok<JobItem>> HandleAsync(string id, OrgContext org, DbSession db, AuditLog audit, CancellationToken ct) =>
        ChangeOrgJob.RunAsync(id, "discard", org, db, audit, ct);
}
