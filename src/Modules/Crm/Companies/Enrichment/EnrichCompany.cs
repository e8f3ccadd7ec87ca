using OpsDash.SharedKernel.Jobs;

namespace OpsDash.Modules.Crm.Companies.Enrichment;

/// <summary>
/// enrichCompany (writers, where <c>crm:enrichment</c> is on for the caller): queues <see cref="EnrichCompanyJob"/>
/// (one pending per company) and answers 202 with its id, the already pending job's id when there is one. A new job
/// within the company's cool-down (<see cref="EnrichmentOptions.CooldownHours"/>) is refused by
/// crm.start_company_enrichment (0065) with 429 <c>enrichment_cooldown</c> and Retry-After, and rolled back with the
/// request. Never waits for the provider.
/// </summary>
internal static class EnrichCompany
{
    public const string Feature = "crm:enrichment";

    public sealed record Response(long JobId, string Status);

    private const string StartSql = """
        select crm.start_company_enrichment(@CompanyId, make_interval(secs => @CooldownSeconds), @NewJob)
        """;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapPost("/companies/{companyId:guid}/enrich", HandleAsync)
            .RequireNonViewer()
            .RequireFeature(Feature)
            .ProducesError(StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited) // crm.start_company_enrichment: enrichment_cooldown
            .WithName("EnrichCompany")
            .WithSummary(
                "Queue a background enrichment of the company (Clearbit when configured, else a deterministic fallback); 202 with the job id. " +
                "At most once per company in Crm:Enrichment:CooldownHours (24 by default): sooner is 429 with reason enrichment_cooldown and Retry-After.");

    private static async Task<Accepted<Response>> HandleAsync(
        Guid companyId, TenantContext tenant, JobQueue jobs, EnrichmentOptions options, DbSession db, CancellationToken ct)
    {
        var job = await jobs.EnqueueUniqueAsync(
            new EnrichCompanyJob(companyId, tenant.UserId), $"company:{companyId}", new JobOptions { MaxAttempts = EnrichCompanyJob.MaxAttempts }, ct);
        await db.ExecuteAsync(StartSql, new { CompanyId = companyId, CooldownSeconds = options.CooldownHours * 3600, NewJob = job.Created }, ct);
        return TypedResults.Accepted((string?)null, new Response(job.Id, job.Created ? "queued" : "already_queued"));
    }
}

/// <summary>The enrichment job: the company and who asked (for the audit entry).</summary>
internal sealed record EnrichCompanyJob(Guid CompanyId, Guid? RequestedBy) : IJobArgs
{
    public const int MaxAttempts = 6;

    public static string Kind => "crm.enrich_company";
}
