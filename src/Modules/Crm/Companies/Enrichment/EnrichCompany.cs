using OpsDash.SharedKernel.Jobs;

namespace OpsDash.Modules.Crm.Companies.Enrichment;

/// <summary>
/// enrichCompany: queues <see cref="EnrichCompanyJob"/> (one pending per company) and answers 202 with
/// its id, the already pending job's id when there is one. Never waits for the provider.
/// </summary>
internal static class EnrichCompany
{
    public sealed record Response(long JobId, string Status);

    private const string ExistsSql = """
        select exists (select 1 from crm.companies where org_id = @OrgId and id = @Id and deleted_at is null)
        """;

    public static void Map(IEndpointRouteBuilder org) =>
        org.MapPost("/companies/{companyId:guid}/enrich", HandleAsync)
            .RequireNonViewer()
            .WithName("EnrichCompany")
            .WithSummary("Queue a background enrichment of the company (Clearbit when configured, else a deterministic fallback); 202 with the job id.");

    private static async Task<Accepted<Response>> HandleAsync(Guid companyId, OrgContext org, TenantContext tenant, JobQueue jobs, DbSession db, CancellationToken ct)
    {
        if (!await db.ExecuteScalarAsync<bool>(ExistsSql, new { OrgId = org.Id, Id = companyId }, ct))
        {
            throw new NotFoundException("Company not found.");
        }

        var job = await jobs.EnqueueUniqueAsync(
            new EnrichCompanyJob(companyId, tenant.UserId), $"company:{companyId}", new JobOptions { MaxAttempts = EnrichCompanyJob.MaxAttempts }, ct);
        return TypedResults.Accepted((string?)null, new Response(job.Id, job.Created ? "queued" : "already_queued"));
    }
}

/// <summary>The enrichment job: the company and who asked (for the audit entry).</summary>
internal sealed record EnrichCompanyJob(Guid CompanyId, Guid? RequestedBy) : IJobArgs
{
    public const int MaxAttempts = 6;

    public static string Kind => "crm.enrich_company";
}
