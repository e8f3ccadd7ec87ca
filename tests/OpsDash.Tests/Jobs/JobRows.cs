namespace OpsDash.Tests.Jobs;

/// <summary>Jobs in any state, written as a DBA would (owner connection), for the visibility tests.</summary>
public static class JobRows
{
    /// <summary>A marker put in every seeded job's args: no API answer or page may ever contain it.</summary>
    public const string SecretInArgs = "sealed-secret-7f3a";

    public static async Task<long> InsertJobAsync(
        this OpsDashFactory factory, Guid? orgId, string state, string kind = "test.visible", string? lastError = null, int attempt = 1, int maxAttempts = 3)
    {
        var final = state is "completed" or "dead" or "cancelled";
        return await factory.ScalarAsync<long>(
            """
            insert into jobs.jobs (kind, args, org_id, queue, state, attempt, max_attempts, last_error, run_at, attempted_at, finished_at, worker_id, heartbeat_at)
            values (@Kind, jsonb_build_object('link', @Secret::text), @OrgId, 'visibility', @State, @Attempt, @MaxAttempts, @LastError,
                    case when @State = 'retryable' then now() + interval '1 hour' else now() - interval '5 minutes' end,
                    now() - interval '1 minute', case when @Final then now() end,
                    case when @State = 'running' then 'test-worker' end, case when @State = 'running' then now() end)
            returning id
            """,
            new { Kind = kind, Secret = SecretInArgs, OrgId = orgId, State = state, Attempt = attempt, MaxAttempts = maxAttempts, LastError = lastError, Final = final });
    }

    public static Task<JobState> JobStateAsync(this OpsDashFactory factory, long id) =>
        factory.QueryOneAsync<JobState>("select state, attempt, run_at <= now() as due, finished_at from jobs.jobs where id = @id", new { id });

    public static Task MakeOperatorAsync(this OpsDashFactory factory, TestUser user) =>
        factory.ExecuteOwnerAsync("insert into platform.operators (user_id, note) values (@Id, 'test')", new { user.Id });

    private static async Task<T> QueryOneAsync<T>(this OpsDashFactory factory, string sql, object args)
    {
        await using var db = await factory.OpenOwnerAsync();
        return await db.QuerySingleAsync<T>(sql, args);
    }
}

public sealed record JobState(string State, int Attempt, bool Due, DateTime? FinishedAt);
