using OpsDash.Modules.Crm.Contracts;
using OpsDash.SharedKernel.Jobs;

namespace OpsDash.Modules.Crm.Companies.Enrichment;

/// <summary>
/// Runs <see cref="EnrichCompanyJob"/> in the company's org. Reads the company and commits before
/// calling the provider, so no transaction waits on the network; then writes what was found, the
/// audit entry and <c>company.enriched</c> in one transaction. Running it twice writes the same
/// fields again (and publishes a second event). <c>crm:enrichment</c> switched off (or out of the
/// plan) after the job was queued cancels it before any lookup.
/// </summary>
internal sealed class EnrichCompanyHandler(
    DbSession db, TenantContext tenant, FeatureAccess features, ClearbitClient clearbit, TimeProvider clock, AuditLog audit, Outbox outbox)
    : IJobHandler<EnrichCompanyJob>
{
    private const string SubjectSql = """
        select name, domain, industry, size from crm.companies where org_id = @OrgId and id = @Id and deleted_at is null
        """;

    private const string UpdateSql = """
        update crm.companies
           set industry = coalesce(industry, @Industry), size = coalesce(size, @Size), enrichment = @Enrichment::jsonb
         where org_id = @OrgId and id = @Id and deleted_at is null
        returning industry, size
        """;

    public async Task HandleAsync(EnrichCompanyJob args, CancellationToken ct)
    {
        var orgId = tenant.OrgId ?? throw new PermanentJobException("Company enrichment runs in an org context.");
        try
        {
            await features.RequireAsync(EnrichCompany.Feature, ct);
        }
        catch (FeatureUnavailableException e)
        {
            throw new JobCancelledException(e.Message);
        }

        var key = new { OrgId = orgId, Id = args.CompanyId };
        var before = await db.QuerySingleOrDefaultAsync<Subject>(SubjectSql, key, ct)
            ?? throw new JobCancelledException("The company no longer exists.");
        await db.CommitAsync(ct);

        var found = clearbit.Configured && before.Domain is { } domain
            ? await clearbit.FindAsync(domain, ct)
            : Enriched.Fallback(before.Name, before.Domain);
        var at = clock.GetUtcNow();
        var after = await db.QuerySingleOrDefaultAsync<Filled>(
            UpdateSql, new { key.OrgId, key.Id, found.Industry, found.Size, Enrichment = found.DetailsJson(at) }, ct)
            ?? throw new JobCancelledException("The company was deleted during enrichment.");

        List<string> changed = ["enrichment"];
        if (before.Industry != after.Industry)
        {
            changed.Add("industry");
        }

        if (before.Size != after.Size)
        {
            changed.Add("size");
        }

        await audit.WriteAsync("company.enriched", "company", args.CompanyId, new { found.Source, found.Status, changed, args.RequestedBy }, ct);
        await outbox.EnqueueAsync(new CompanyEnriched(args.CompanyId, found.Source, found.Status, changed, at), ct);
    }

    private sealed record Subject(string Name, string? Domain, string? Industry, string? Size);

    private sealed record Filled(string? Industry, string? Size);
}
