namespace OpsDash.Modules.Platform.Jobs;

/// <summary>A dead or cancelled job of the org runs again: available, due now, attempts reset.</summary>
internal static class RetryJob
{
    public static void Map(IEndpointRouteBuilder org) =>
        org.MapPost("/jobs/{id}/retry", HandleAsync)
            .RequireOrgAdmin()
            .ProducesError(StatusCodes.Status409Conflict, ErrorCodes.Conflict)
            .WithName("RetryOrgJob")
            .WithSummary("Run a dead or cancelled job again, due now with its attempts reset (owners and admins). 409 reason job_not_retryable otherwise.");

    private static Task<Ok<JobItem>> HandleAsync(string id, OrgContext org, DbSession db, AuditLog audit, CancellationToken ct) =>
        ChangeOrgJob.RunAsync(id, "retry", org, db, audit, ct);
}
