using System.Diagnostics;
using System.Globalization;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpsDash.SharedKernel.Database;
using OpsDash.SharedKernel.Jobs;

namespace OpsDash.Bench.JobsDrain;

/// <summary>
/// Issue 17's fairness figure: with a backlog of <c>Bench:FloodJobs</c> jobs of org A, how long a job of org B
/// waits to start. Measured twice in one run, once with the fair claim (0055) and once with the claim order
/// it replaced (priority, run_at, id), each on a fresh backlog, so the two figures are side by side.
/// </summary>
internal sealed class Fairness(string owner, string app, string jobs, JobWorkerOptions workerOptions)
{
    private const string FifoClaimSql = """
        create or replace function jobs.claim(p_queue text, p_worker text, p_limit integer)
            returns table (id bigint, kind text, args jsonb, org_id uuid, attempt integer, max_attempts integer, waited interval)
            language plpgsql volatile security definer
            set search_path = pg_catalog, pg_temp
            as $$
        #variable_conflict use_column
        begin
            return query
                with picked as (
                    select j.id from jobs.jobs j
                     where j.queue = p_queue and j.state in ('available', 'retryable') and j.run_at <= now()
                     order by j.priority, j.run_at, j.id
                     limit p_limit
                     for update skip locked)
                update jobs.jobs j
                   set state = 'running', attempt = j.attempt + 1, attempted_at = now(), heartbeat_at = now(), worker_id = p_worker
                  from picked
                 where j.id = picked.id
                returning j.id, j.kind, j.args, j.org_id, j.attempt, j.max_attempts, now() - j.run_at;
        end $$
        """;

    // Two users, so two personal orgs (the signup trigger makes them).
    // (Two statements: the trigger's rows are not visible to the statement that fired it.)
    private const string OrgSql = """
        insert into auth.users (id, email, password_hash) values (@Id, @Email, 'x');
        select o.id from organizations.organizations o where o.billing_owner_user_id = @Id;
        """;

    private const string FloodSql = """
        insert into jobs.jobs (kind, args, org_id)
        select 'bench.flood', jsonb_build_object('n', i), @Org from generate_series(@From, @To) i
        """;

    private const string EnqueueForOrgSql = """
        select set_config('app.system', 'on', false), set_config('app.org_id', @Org::text, false);
        select jobs.enqueue('bench.noop', jsonb_build_object('n', @N), 'default', 0::smallint, 10, null, null);
        """;

    public async Task RunAsync(int flood, int samples)
    {
        Guid a, b;
        await using (var connection = new NpgsqlConnection(owner))
        {
            var tag = Guid.NewGuid().ToString("N")[..8];
            a = await connection.ExecuteScalarAsync<Guid>(OrgSql, new { Id = Guid.NewGuid(), Email = $"flood-{tag}@bench.test" });
            b = await connection.ExecuteScalarAsync<Guid>(OrgSql, new { Id = Guid.NewGuid(), Email = $"quiet-{tag}@bench.test" });
        }

        Console.WriteLine();
        Console.WriteLine($"## fairness: a no-op job of org B enqueued every 50 ms while org A has a backlog of {flood:N0} jobs of {FloodJob.Millis} ms each");
        var fair = await MeasureAsync(a, b, flood, samples, nFrom: 1_000_000_000L);
        Print("fair claim (0055): priority, fair_at, id", fair);
        await using (var connection = new NpgsqlConnection(owner))
        {
            await connection.ExecuteAsync(FifoClaimSql);
        }

        var fifo = await MeasureAsync(a, b, flood, samples, nFrom: 2_000_000_000L);
        Print("FIFO claim (before 0055): priority, run_at, id", fifo);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ratio FIFO / fair at p95: {Percentile(fifo.Latencies, 0.95) / Math.Max(0.001, Percentile(fair.Latencies, 0.95)):F1}x"));
    }

    private static readonly TimeSpan WaitCap = TimeSpan.FromSeconds(30);

    private sealed record Result(List<double> Latencies, int PendingAtEnd, int Samples);

    private async Task<Result> MeasureAsync(Guid a, Guid b, int flood, int samples, long nFrom)
    {
        await using (var connection = new NpgsqlConnection(owner))
        {
            await connection.OpenAsync();
            for (var from = 1; from <= flood; from += 20_000)
            {
                await connection.ExecuteAsync(FloodSql, new { Org = a, From = nFrom + from, To = nFrom + Math.Min(flood, from + 19_999) });
            }

            await connection.ExecuteAsync("analyze jobs.jobs");
        }

        var services = new ServiceCollection();
        services.AddOpsDashDatabase(app, jobs);
        services.AddJobHandler<NoopJob, NoopHandler>();
        services.AddJobHandler<FloodJob, FloodHandler>();
        await using var provider = services.BuildServiceProvider();
        var worker = new JobWorker(provider, workerOptions);
        await using var quiet = new NpgsqlConnection(jobs);
        await quiet.OpenAsync();
        await worker.StartAsync(CancellationToken.None);
        // B's jobs go in every 50 ms whether or not the earlier ones started (a queue that starves B must show it);
        // one that has not started WaitCap after its enqueue counts as WaitCap.
        var sent = new Dictionary<long, long>();
        for (var i = 1; i <= samples; i++)
        {
            await Task.Delay(50);
            var n = -(nFrom + i);
            sent[n] = Stopwatch.GetTimestamp();
            await quiet.ExecuteAsync(EnqueueForOrgSql, new { Org = b, N = n });
        }

        var lastSent = Stopwatch.GetTimestamp();
        while (sent.Keys.Any(n => !NoopHandler.StartedAt.ContainsKey(n)) && Stopwatch.GetElapsedTime(lastSent) < WaitCap)
        {
            await Task.Delay(10);
        }

        var latencies = sent.Select(s => NoopHandler.StartedAt.TryGetValue(s.Key, out var started)
            ? Math.Min(Stopwatch.GetElapsedTime(s.Value, started).TotalMilliseconds, WaitCap.TotalMilliseconds)
            : WaitCap.TotalMilliseconds).ToList();
        await worker.StopAsync(CancellationToken.None);
        worker.Dispose();
        await using var check = new NpgsqlConnection(owner);
        var pending = await check.ExecuteScalarAsync<int>(
            "select count(*) from jobs.jobs where org_id = @a and state in ('available', 'retryable')", new { a });
        // The rest of the backlog goes, so the next measurement starts from the same state.
        await check.ExecuteAsync("delete from jobs.jobs where org_id = @a", new { a });
        latencies.Sort();
        return new Result(latencies, pending, samples);
    }

    private static void Print(string label, Result result) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label}: B's enqueue-to-start p50 {Percentile(result.Latencies, 0.50):F1} ms, p95 {Percentile(result.Latencies, 0.95):F1} ms, " +
            $"max {result.Latencies[^1]:F1} ms over {result.Samples} jobs ({result.Latencies.Count(l => l >= WaitCap.TotalMilliseconds)} not started within {WaitCap.TotalSeconds:F0} s, counted as that); " +
            $"A still had {result.PendingAtEnd:N0} pending at the end"));

    private static double Percentile(List<double> sorted, double p) => sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(p * sorted.Count))];
}
