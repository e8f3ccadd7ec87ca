using System.Diagnostics;
using System.Globalization;
using Dapper;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Npgsql;

namespace OpsDash.Bench.JobsDrain;

/// <summary>
/// Issue 18: the same figures as <see cref="Bench"/> for Hangfire 1.8 on Hangfire.PostgreSql 1.21, in the same
/// run and cluster: its own database (<c>hangfire_bench</c>, owned by its own role <c>opsdash_hangfire</c>, so the
/// server's counts are Hangfire's alone), storage options at their defaults, one <see cref="BackgroundJobServer"/>
/// with as many workers as our default queue's concurrency. Two storages over that database: <see cref="Durable"/>
/// (the defaults, what a request enqueues through) and <see cref="Worker"/>, whose sessions set
/// <c>synchronous_commit = off</c> as our worker's claim and completion sessions do (ADR 0009), so the drain is not
/// bound by a WAL flush per Hangfire transaction; <see cref="DrainAsync"/> says which one its server used.
/// </summary>
internal sealed class HangfireBench
{
    public const string Role = "opsdash_hangfire";
    public const string Database = "hangfire_bench";

    private readonly string _superuser;
    private readonly int _workers;

    private HangfireBench(string connectionString, string superuser, int workers)
    {
        _superuser = superuser;
        _workers = workers;
        GlobalConfiguration.Configuration
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings();
        Durable = Storage(connectionString);
        Worker = Storage(new NpgsqlConnectionStringBuilder(connectionString) { Options = "-c synchronous_commit=off" }.ConnectionString);
        Stats = new ServerStats(superuser);
    }

    public PostgreSqlStorage Durable { get; }

    public PostgreSqlStorage Worker { get; }

    public ServerStats Stats { get; }

    // The defaults: schema "hangfire", queue poll 15 s, no long polling (an enqueue in the server's process wakes its workers at once).
    private static PostgreSqlStorage Storage(string connectionString)
    {
        var options = new PostgreSqlStorageOptions();
        return new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, options), options);
    }

    private static string Name(PostgreSqlStorage storage, HangfireBench bench) =>
        ReferenceEquals(storage, bench.Durable) ? "durable commits (storage defaults)" : "synchronous_commit = off, as our worker's sessions";

    /// <summary>Creates the role and the database (the cluster is the bench's own, thrown away at the end); Hangfire installs its schema.</summary>
    public static async Task<HangfireBench> CreateAsync(string clusterSuperuser, int workers)
    {
        await using (var connection = new NpgsqlConnection(clusterSuperuser))
        {
            await connection.ExecuteAsync($"create role {Role} login");
            await connection.ExecuteAsync($"create database {Database} owner {Role}");
        }

        var superuser = new NpgsqlConnectionStringBuilder(clusterSuperuser) { Database = Database }.ConnectionString;
        await using (var connection = new NpgsqlConnection(superuser))
        {
            await connection.ExecuteAsync("create extension if not exists pg_stat_statements");
        }

        var hangfire = new NpgsqlConnectionStringBuilder(superuser) { Username = Role }.ConnectionString;
        return new HangfireBench(hangfire, superuser, workers);
    }

    /// <summary>
    /// Through <see cref="BackgroundJobClient"/>, as an application would, from as many tasks as there are workers; set-up for
    /// the drain, so on the <see cref="Worker"/> storage (durable, this machine's WAL flushes made it take minutes per 10,000).
    /// </summary>
    public async Task EnqueueAsync(int count)
    {
        var client = new BackgroundJobClient(Worker);
        var clock = Stopwatch.StartNew();
        var next = 0L;
        await Task.WhenAll(Enumerable.Range(0, _workers).Select(_ => Task.Run(() =>
        {
            long n;
            while ((n = Interlocked.Increment(ref next)) <= count)
            {
                client.Enqueue(() => HangfireNoop.Run(n));
            }
        })));
        Console.WriteLine($"enqueued {count:N0} jobs in {clock.Elapsed.TotalSeconds:F1} s ({count / clock.Elapsed.TotalSeconds:N0}/s, BackgroundJobClient.Enqueue from {_workers} tasks)");
    }

    public async Task<DrainFigures> DrainAsync(int count, PostgreSqlStorage storage)
    {
        await using (var clean = new NpgsqlConnection(_superuser))
        {
            // Earlier drains' jobs go, so the Succeeded count below is this drain's.
            await clean.ExecuteAsync("truncate hangfire.job cascade");
        }

        await EnqueueAsync(count);
        await Stats.ResetAsync();
        var allRan = HangfireNoop.ExpectAsync(count);
        var clock = Stopwatch.StartNew();
        var server = StartServer(storage);
        await allRan;
        var ran = clock.Elapsed;
        // A job is recorded Succeeded by its worker after it ran; watched as the superuser (not counted as Hangfire's statements).
        await using (var watch = new NpgsqlConnection(_superuser))
        {
            while (await watch.ExecuteScalarAsync<long>("select count(*) from hangfire.job where statename = 'Succeeded'") < count)
            {
                await Task.Delay(100);
            }
        }

        var recorded = clock.Elapsed;
        server.SendStop();
        server.Dispose();
        NpgsqlConnection.ClearAllPools();
        await Task.Delay(TimeSpan.FromSeconds(2));
        var counted = await Stats.ReadAsync(Role);
        Console.WriteLine();
        Console.WriteLine($"## Hangfire drain: {count:N0} no-op jobs, one BackgroundJobServer, {_workers} workers, {Name(storage, this)}");
        Console.WriteLine($"all {HangfireNoop.Count:N0} ran in {ran.TotalSeconds:F2} s: {count / ran.TotalSeconds:N0} jobs/s; all recorded Succeeded at {recorded.TotalSeconds:F2} s: {count / recorded.TotalSeconds:N0} jobs/s");
        Console.WriteLine($"server: {counted.Statements:N0} statements by {Role} = {(double)counted.Statements / count:F4} per job; " +
                          $"{counted.Commits:N0} commits + {counted.Rollbacks:N0} rollbacks in the database = {(double)(counted.Commits + counted.Rollbacks) / count:F4} per job");
        Bench.Print(counted);
        return new DrainFigures(count / ran.TotalSeconds, count / recorded.TotalSeconds,
            (double)counted.Statements / count, (double)(counted.Commits + counted.Rollbacks) / count);
    }

    /// <summary>An idle server; one job at a time, from just before Enqueue is called to the job's method starting.</summary>
    public async Task<LatencyFigures> LatencyAsync(int count)
    {
        var client = new BackgroundJobClient(Durable);
        using var server = StartServer(Worker);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var latencies = new List<double>();
        var enqueues = new List<double>();
        for (long n = -1; n >= -count; n--)
        {
            await Task.Delay(50);
            var sent = Stopwatch.GetTimestamp();
            var id = n;
            client.Enqueue(() => HangfireNoop.Run(id));
            enqueues.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
            long started;
            while (!HangfireNoop.StartedAt.TryGetValue(n, out started))
            {
                await Task.Delay(1);
            }

            latencies.Add(Stopwatch.GetElapsedTime(sent, started).TotalMilliseconds);
        }

        server.SendStop();
        latencies.Sort();
        enqueues.Sort();
        var figures = new LatencyFigures(Bench.Percentile(latencies, 0.50), Bench.Percentile(latencies, 0.95), latencies[^1], Bench.Percentile(enqueues, 0.50));
        Console.WriteLine();
        Console.WriteLine($"## Hangfire enqueue-to-start, idle server, {count} jobs one at a time (50 ms apart; enqueued durably in the server's process, which wakes its workers at once)");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"p50 {figures.P50:F2} ms, p95 {figures.P95:F2} ms, max {figures.Max:F2} ms (of which Enqueue itself: p50 {figures.EnqueueP50:F2} ms)"));
        return figures;
    }

    /// <summary>An idle server (workers, schedulers, heartbeat, expiration manager, counters aggregator): what it sends per second.</summary>
    public async Task<double> IdleAsync(int seconds)
    {
        using var server = StartServer(Worker);
        await Task.Delay(TimeSpan.FromSeconds(5));
        await Stats.ResetAsync();
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        var counted = await Stats.ReadAsync(Role);
        server.SendStop();
        var perSecond = (double)counted.Statements / seconds;
        Console.WriteLine();
        Console.WriteLine($"## idle Hangfire server ({_workers} workers, storage defaults), {seconds} s starting 5 s after it started");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"server: {counted.Statements} statements by {Role} = {perSecond:F2} per second"));
        Bench.Print(counted);
        return perSecond;
    }

    private BackgroundJobServer StartServer(PostgreSqlStorage storage) =>
        new(new BackgroundJobServerOptions { WorkerCount = _workers, Queues = ["default"], ServerName = $"bench-{Guid.NewGuid():N}" }, storage);
}

/// <summary>The Hangfire job: does nothing but count, and record its start for the latency samples.</summary>
public static class HangfireNoop
{
    private static int _count;
    private static TaskCompletionSource _allDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private static int _target = int.MaxValue;

    public static System.Collections.Concurrent.ConcurrentDictionary<long, long> StartedAt { get; } = new();

    public static int Count => Volatile.Read(ref _count);

    public static Task ExpectAsync(int target)
    {
        _allDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _count, 0);
        Volatile.Write(ref _target, target);
        return _allDone.Task;
    }

    public static void Run(long n)
    {
        StartedAt[n] = Stopwatch.GetTimestamp();
        if (Interlocked.Increment(ref _count) == Volatile.Read(ref _target))
        {
            _allDone.TrySetResult();
        }
    }
}
