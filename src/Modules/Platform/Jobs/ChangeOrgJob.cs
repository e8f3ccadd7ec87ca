using System.Globalization;

namespace OpsDash.Modules.Platform.Jobs;

/// <summary>
/// platform.change_org_job (0031): checks the caller is an admin of the org the request acts in,
/// locks the job of that org (another org's id is not found) and checks its state, all in SQL.
/// </summary>
internal static class ChangeOrgJob
{
    private const string ChangeSql = """
        select id, kind, queue, state, priority, attempt, max_attempts, run_at, last_error, attempted_at, finished_at, created_at
          from platform.change_org_job(@OrgId, @Id, @Action)
        """;

    public static async Task<Ok<JobItem>> RunAsync(string id, string action, OrgContext org, DbSession db, AuditLog audit, CancellationToken ct)
    {
        // The id is bound as text so that anything that is not one of this org's job ids is a 404.
        if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var jobId))
        {
            throw new NotFoundException("Job not found.");
        }

        var job = await db.QuerySingleAsync<JobItem>(ChangeSql, new { OrgId = org.Id, Id = jobId, Action = action }, ct);
        await audit.WriteAsync(action == "retry" ? "job.retried" : "job.discarded", "job", job.Id, new { job.Kind, job.State }, ct);
        return TypedResults.Ok(job);
    }
}
