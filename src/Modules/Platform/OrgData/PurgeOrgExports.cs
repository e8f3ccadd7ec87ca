using OpsDash.SharedKernel.Jobs;

namespace OpsDash.Modules.Platform.OrgData;

/// <summary>Deletes exports (row and file) past <see cref="OrgDataSettings.RetentionDays"/>, across orgs (platform.purge_org_exports).</summary>
public sealed record PurgeOrgExports : IJobArgs
{
    public const string ScheduleName = "purge_org_exports";

    public static string Kind => "platform.purge_org_exports";
}

internal sealed class PurgeOrgExportsHandler(DbSession db, JobQueue queue, OrgDataSettings settings) : IJobHandler<PurgeOrgExports>
{
    private const int BatchSize = 1000;

    private const string PurgeSql = "select org_id, id from platform.purge_org_exports(@BatchSize)";

    public async Task HandleAsync(PurgeOrgExports args, CancellationToken ct)
    {
        var purged = (await db.QueryAsync<(Guid OrgId, Guid Id)>(PurgeSql, new { BatchSize }, ct)).ToList();
        foreach (var (orgId, id) in purged)
        {
            File.Delete(settings.FileOf(orgId, id));
        }

        if (purged.Count >= BatchSize)
        {
            await queue.EnqueueAsync(args, ct: ct);
        }
    }
}
