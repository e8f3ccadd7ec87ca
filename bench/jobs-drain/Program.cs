using System.Net.Sockets;
using Dapper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpsDash.Bench.JobsDrain;
using OpsDash.Host.Database;
using OpsDash.SharedKernel.Jobs;

// Drains no-op jobs with the real JobWorker on a fresh local PostgreSQL 15 cluster (the Host's embedded
// cluster, default settings, plus pg_stat_statements) and reports what the server counted. Run it through
// bench/jobs-drain.sh. Worker settings bind from OPSDASH_Jobs__... exactly as in the Host.
var config = new ConfigurationBuilder().AddEnvironmentVariables("OPSDASH_").AddCommandLine(args).Build();
var jobCount = config.GetValue("Bench:Jobs", 100_000);
var idleSeconds = config.GetValue("Bench:IdleSeconds", 60);
var samples = config.GetValue("Bench:LatencySamples", 200);
var flood = config.GetValue("Bench:FloodJobs", 100_000);
FloodJob.Millis = config.GetValue("Bench:FloodJobMillis", 5);
var only = config["Bench:Only"]; // "fairness": just that figure; "compare": ours and Hangfire's, no fairness
var withHangfire = config.GetValue("Bench:Hangfire", true);
var hangfireJobs = config.GetValue("Bench:HangfireJobs", jobCount);
var durableJobs = config.GetValue("Bench:HangfireDurableJobs", 2_000);
var workerOptions = config.GetSection(JobWorkerOptions.SectionName).Get<JobWorkerOptions>() ?? new JobWorkerOptions();

using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
var logger = loggerFactory.CreateLogger("bench");
var root = RepositoryRoot.Find();
var work = Directory.CreateTempSubdirectory("opsdash-jobs-bench.").FullName;
var postgres = new EmbeddedPostgres(
    new EmbeddedPostgresOptions(work, FreePort(), config["Bench:PgBin"] ?? "/usr/lib/postgresql/15/bin",
        ["shared_preload_libraries=pg_stat_statements", "pg_stat_statements.track=top", "pg_stat_statements.track_utility=on"]),
    logger);
try
{
    await postgres.StartAsync();
    var superuser = new NpgsqlConnectionStringBuilder(postgres.SuperuserConnectionString) { Database = "opsdash" }.ConnectionString;
    await DatabaseBootstrap.EnsureDatabaseAsync(postgres.SuperuserConnectionString, "opsdash_owner", "opsdash", template: null, CancellationToken.None);
    var owner = new NpgsqlConnectionStringBuilder(superuser) { Username = "opsdash_owner" }.ConnectionString;
    await new MigrationRunner(owner, Path.Combine(root, "db", "scripts"), logger).MigrateAsync();
    await using (var connection = new NpgsqlConnection(superuser))
    {
        await connection.ExecuteAsync("create extension if not exists pg_stat_statements");
    }

    var settings = new DatabaseSettings();
    var bench = new Bench(settings.AppConnectionString(owner), settings.JobsConnectionString(owner), new ServerStats(superuser), owner, workerOptions);
    Console.WriteLine($"# {DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}, {Environment.ProcessorCount} cores, load average {Bench.LoadAverage()}");
    var concurrency = string.Join(", ", workerOptions.Queues.Select(q => $"{q.Key}: concurrency {q.Value.Concurrency}, prefetch {q.Value.Prefetch?.ToString() ?? "default"}"));
    Console.WriteLine($"# worker: {concurrency}; PollInterval {workerOptions.PollInterval}, HeartbeatInterval {workerOptions.HeartbeatInterval}");
    DrainFigures? ourDrain = null, theirDrain = null;
    LatencyFigures? ourLatency = null, theirLatency = null;
    double? ourIdle = null, theirIdle = null;
    if (only != "fairness")
    {
        await bench.EnqueueAsync(jobCount);
        ourDrain = await bench.DrainAsync(jobCount);
        ourLatency = await bench.LatencyAsync(samples);
        if (withHangfire)
        {
            // Issue 18: Hangfire on the same cluster, its own database and role, as many workers as our default queue's slots.
            Console.WriteLine();
            var workers = workerOptions.Queues.TryGetValue("default", out var lane) ? lane.Concurrency : 8;
            var hangfire = await HangfireBench.CreateAsync(postgres.SuperuserConnectionString, workers);
            theirDrain = await hangfire.DrainAsync(hangfireJobs, hangfire.Worker);
            if (durableJobs > 0)
            {
                // Hangfire as installed, durable commits everywhere: far slower here, so on fewer jobs.
                await hangfire.DrainAsync(durableJobs, hangfire.Durable);
            }

            theirLatency = await hangfire.LatencyAsync(samples);
            theirIdle = await hangfire.IdleAsync(idleSeconds);
        }
    }

    if (only != "compare")
    {
        await new Fairness(owner, settings.AppConnectionString(owner), settings.JobsConnectionString(owner), workerOptions).RunAsync(flood, samples);
    }

    if (only != "fairness")
    {
        ourIdle = await bench.IdleHostAsync(root, idleSeconds);
    }

    if (ourDrain is not null && theirDrain is not null)
    {
        Comparison.Print(jobCount, hangfireJobs, ourDrain, theirDrain, ourLatency!, theirLatency!, ourIdle!.Value, theirIdle!.Value);
    }
    Console.WriteLine($"# load average at the end {Bench.LoadAverage()}");
}
finally
{
    await postgres.StopAsync();
    Directory.Delete(work, recursive: true);
}

static int FreePort()
{
    using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
    listener.Start();
    return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
}
