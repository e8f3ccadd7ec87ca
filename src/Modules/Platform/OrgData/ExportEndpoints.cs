using OpsDash.SharedKernel.Jobs;

namespace OpsDash.Modules.Platform.OrgData;

/// <summary>
/// <c>/orgs/{slug}/exports</c>: owners and admins start (Pro), follow, list and delete full exports of their
/// org (ADR 0023). Row-level security keeps every statement to the org's owners and admins.
/// </summary>
internal static class ExportEndpoints
{
    private const string InsertSql = """
        insert into platform.org_exports (org_id, id, requested_by, expires_at)
        values (core.current_org_id(), @Id, core.current_user_id(), now() + make_interval(days => @RetentionDays))
        """;

    private const string SetJobSql = "update platform.org_exports set job_id = @JobId where org_id = core.current_org_id() and id = @Id";

    private const string GetSql = "select " + ExportRow.Columns + " from platform.org_exports where org_id = core.current_org_id() and id = @Id";

    private const string ListSql = "select " + ExportRow.Columns + " from platform.org_exports where org_id = core.current_org_id() order by created_at desc, id limit 100";

    private const string DeleteSql = "delete from platform.org_exports where org_id = core.current_org_id() and id = @Id returning org_id";

    public static void Map(IEndpointRouteBuilder org)
    {
        org.MapPost("/exports", StartAsync)
            .RequireOrgAdmin()
            .RequireFeature("platform:export")
            .WithName("StartOrgExport")
            .WithSummary("Export all of the organization's data as a ZIP (Pro; owners and admins): queued, 202 with the export to follow.")
            .WithDescription(
                "One CSV per table (CRM, projects, workflows, members with roles, audit log) and `manifest.json` (schema version, rows, " +
                "bytes and SHA-256 per file, created at), all from one database snapshot. Cells starting with `=`, `+`, `-`, `@`, tab, CR " +
                "or `'` get a leading `'`. Follow it with GET /exports/{id}; when `ready` it has a short-lived `downloadUrl`. " +
                "Files are deleted after `Platform:Exports:RetentionDays`. The audit log records who asked.");
        org.MapGet("/exports", ListAsync)
            .RequireOrgAdmin()
            .WithName("ListOrgExports")
            .WithSummary("The organization's exports, newest first (the last 100; owners and admins).");
        org.MapGet("/exports/{id:guid}", GetAsync)
            .RequireOrgAdmin()
            .WithName("GetOrgExport")
            .WithSummary("One export's state; when ready, a fresh download link valid for `Platform:Exports:LinkLifetime` (owners and admins).");
        org.MapDelete("/exports/{id:guid}", DeleteAsync)
            .RequireOrgAdmin()
            .WithName("DeleteOrgExport")
            .WithSummary("Delete an export and its file now (owners and admins); its links stop working.");
    }

    private static async Task<Accepted<ExportItem>> StartAsync(
        OrgContext org, DbSession db, JobQueue queue, AuditLog audit, OrgDataSettings settings, ExportLinks links, CancellationToken ct)
    {
        var id = Guid.NewGuid();
        await db.ExecuteAsync(InsertSql, new { Id = id, settings.RetentionDays }, ct);
        var jobId = await queue.EnqueueAsync(new ExportOrg(id), new JobOptions { MaxAttempts = 1 }, ct);
        await db.ExecuteAsync(SetJobSql, new { Id = id, JobId = jobId }, ct);
        await audit.WriteAsync("org.export_requested", "export", id, ct: ct);
        var row = await db.QuerySingleAsync<ExportRow>(GetSql, new { Id = id }, ct);
        return TypedResults.Accepted($"/api/v1/orgs/{org.Current.Slug}/exports/{id}", row.ToItem(links));
    }

    private static async Task<Ok<IReadOnlyList<ExportItem>>> ListAsync(DbSession db, ExportLinks links, CancellationToken ct) =>
        TypedResults.Ok<IReadOnlyList<ExportItem>>((await db.QueryAsync<ExportRow>(ListSql, ct: ct)).Select(r => r.ToItem(links)).ToList());

    private static async Task<Ok<ExportItem>> GetAsync(Guid id, DbSession db, ExportLinks links, CancellationToken ct) =>
        TypedResults.Ok((await db.QuerySingleOrDefaultAsync<ExportRow>(GetSql, new { Id = id }, ct) ?? throw new NotFoundException("Export not found.")).ToItem(links));

    private static async Task<NoContent> DeleteAsync(Guid id, DbSession db, AuditLog audit, OrgDataSettings settings, CancellationToken ct)
    {
        var orgId = await db.QuerySingleOrDefaultAsync<Guid?>(DeleteSql, new { Id = id }, ct) ?? throw new NotFoundException("Export not found.");
        await audit.WriteAsync("org.export_deleted", "export", id, ct: ct);
        await db.CommitAsync(ct);
        File.Delete(settings.FileOf(orgId, id));
        return TypedResults.NoContent();
    }
}
