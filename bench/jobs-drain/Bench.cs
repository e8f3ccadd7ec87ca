using System.Diagnostics;
using System.Globalization;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpsDash.SharedKernel.Database;
using OpsDash.SharedKernel.Jobs;

namespace OpsDash.Bench.JobsDrain;

internal sealed class Bench(string app, string jobs, ServerStats stats, string owner, JobWorkerOptions workerOptions)
{
    private const string EnqueueBatchSql = """
        select count(jobs.enqueue('bench.noop', jsonb_build_object('n', i), 'default', 0::smallint, 10, null, null))
          from generate_series(@From, @To) i
        """;

    private const string EnqueueOneSql = "select jobs.enqueue('bench.noop', jsonb_build_object('n', @N), 'default', 0::smallint, 10, null, null)";

    public static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    /// <summary>Through jobs.enqueue (as opsdash_jobs, no org), 10,000 per transaction.</summary>
    public async Task EnqueueAsync(int count)
    {
        var clock = Stopwatch.StartNew();
        await using var connection = new NpgsqlConnection(jobs);
        await connection.OpenAsync();
        for (var from = 1; from <= count; from += 10_000)
        {
            await connection.ExecuteScalarAsync<long>(EnqueueBatchSql, new { From = from, To = Math.Min(count, from + 9_999) });
        }

        await using (var ownerConnection = new NpgsqlConnection(owner))
        {
            // What autovacuum would do after a bulk load, done now so the drain does not wait for it.
            await ownerConnection.ExecuteAsync("analyze jobs.jobs");
        }

        Console.WriteLine($"enqueued {count:N0} jobs in {clock.Elapsed.TotalSeconds:F1} s ({count / clock.Elapsed.TotalSeconds:N0}/s, jobs.enqueue in 10,000-row transactions)");
    }

    public async Task<DrainFigures> DrainAsync(int count)
    {
        await stats.ResetAsync();
        var provider = Services();
        var worker = new JobWorker(provider, workerOptions);
        var allRan = NoopHandler.ExpectAsync(count);
        var clock = Stopwatch.StartNew();
        await worker.StartAsync(CancellationToken.None);
        await allRan;
        var ran = clock.Elapsed;
        await worker.StopAsync(CancellationToken.None);
        var stopped = clock.Elapsed;
        worker.Dispose();
        // Closing the pools ends the worker's sessions, which report their transaction counts as they exit.
        await provider.DisposeAsync();
        await Task.Delay(TimeSpan.FromSeconds(2));
        var counted = await stats.ReadAsync("opsdash_jobs");

        await using var connection = new NpgsqlConnection(owner);
        var completed = await connection.ExecuteScalarAsync<long>("select count(*) from jobs.jobs where state = 'completed'");
        Console.WriteLine();
        Console.WriteLine($"## drain: {count:N0} no-op jobs, one JobWorker");
        Console.WriteLine($"all {NoopHandler.Count:N0} ran in {ran.TotalSeconds:F2} s: {count / ran.TotalSeconds:N0} jobs/s; stopped (completions flushed) at {stopped.TotalSeconds:F2} s: {count / stopped.TotalSeconds:N0} jobs/s; {completed:N0} completed in jobs.jobs");
        Console.WriteLine($"server: {counted.Statements:N0} statements by opsdash_jobs = {(double)counted.Statements / count:F4} per job; " +
                          $"{counted.Commits:N0} commits + {counted.Rollbacks:N0} rollbacks in the database = {(double)(counted.Commits + counted.Rollbacks) / count:F4} per job");
        Print(counted);
        return new DrainFigures(count / ran.TotalSeconds, count / stopped.TotalSeconds,
            (double)counted.Statements / count, (double)(counted.Commits + counted.Rollbacks) / count);
    }

    /// <summary>An idle worker; one job at a time, from just before its enqueue statement is sent to its handler starting.</summary>
    public async Task<LatencyFigures> LatencyAsync(int count)
    {
        await using var provider = Services();
        var worker = new JobWorker(provider, workerOptions);
        await worker.StartAsync(CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(2));
        await using var connection = new NpgsqlConnection(jobs);
        await connection.OpenAsync();
        var latencies = new List<double>();
        var enqueues = new List<double>();
        for (long n = -1; n >= -count; n--)
        {
            await Task.Delay(50);
            var sent = Stopwatch.GetTimestamp();
            await connection.ExecuteScalarAsync<long>(EnqueueOneSql, new { N = n });
            enqueues.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
            long started;
            while (!NoopHandler.StartedAt.TryGetValue(n, out started))
            {
                await Task.Delay(1);
            }

            latencies.Add(Stopwatch.GetElapsedTime(sent, started).TotalMilliseconds);
        }

        await worker.StopAsync(CancellationToken.None);
        worker.Dispose();
        latencies.Sort();
        enqueues.Sort();
        Console.WriteLine();
        Console.WriteLine($"## enqueue-to-start, idle worker, {count} jobs one at a time (50 ms apart)");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"p50 {Percentile(latencies, 0.50):F2} ms, p95 {Percentile(latencies, 0.95):F2} ms, max {latencies[^1]:F2} ms " +
            $"(of which the enqueue statement itself, insert and durable commit: p50 {Percentile(enqueues, 0.50):F2} ms)"));
        return new LatencyFigures(Percentile(latencies, 0.50), Percentile(latencies, 0.95), latencies[^1], Percentile(enqueues, 0.50));
    }

    /// <summary>The real Host (Release build) with its worker on, idle: what it sends per second.</summary>
    public async Task<double> IdleHostAsync(string root, int seconds)
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var url = $"http://127.0.0.1:{((System.Net.IPEndPoint)listener.LocalEndpoint).Port}";
        listener.Stop();
        var log = Path.Combine(Path.GetTempPath(), $"opsdash-jobs-bench-host-{Environment.ProcessId}.log");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.Combine(root, "src", "Host"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[]
                 {
                     Path.Combine(root, "src", "Host", "bin", "Release", "net10.0", "OpsDash.Host.dll"), "--urls", url,
                     $"--Database:Url={owner}", "--Database:MigrateOnStartup=false", "--Email:AllowPickupInProduction=true", $"--Auth:Jwt:SigningKey={Guid.NewGuid():N}{Guid.NewGuid():N}",
                 })
        {
            start.ArgumentList.Add(arg);
        }

        using var host = Process.Start(start) ?? throw new InvalidOperationException("could not start the Host");
        var output = Task.WhenAll(host.StandardOutput.ReadToEndAsync(), host.StandardError.ReadToEndAsync());
        try
        {
            using var http = new HttpClient();
            var ready = Stopwatch.StartNew();
            while (!await IsReadyAsync(http, url))
            {
                if (ready.Elapsed > TimeSpan.FromSeconds(90) || host.HasExited)
                {
                    throw new InvalidOperationException("the Host did not become ready: " + string.Join('\n', await output));
                }

                await Task.Delay(200);
            }

            await Task.Delay(TimeSpan.FromSeconds(5));
            await stats.ResetAsync();
            await Task.Delay(TimeSpan.FromSeconds(seconds));
            var counted = await stats.ReadAsync("opsdash_app", "opsdash_jobs");
            Console.WriteLine();
            Console.WriteLine($"## idle Host (Jobs:Enabled, default settings), {seconds} s starting 5 s after it was ready");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"server: {counted.Statements} statements by opsdash_app and opsdash_jobs = {(double)counted.Statements / seconds:F2} per second"));
            Print(counted);
            return (double)counted.Statements / seconds;
        }
        finally
        {
            using (var term = Process.Start("kill", ["-TERM", host.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }

            await host.WaitForExitAsync();
            await File.WriteAllLinesAsync(log, await output);
        }
    }

    private static async Task<bool> IsReadyAsync(HttpClient http, string url)
    {
        try
        {
            return (await http.GetAsync(new Uri($"{url}/health/ready"))).IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    internal static double Percentile(List<double> sorted, double p) => sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(p * sorted.Count))];

    internal static void Print(Counters counted)
    {
        foreach (var top in counted.Top)
        {
            Console.WriteLine($"  {top.Calls,8:N0}  {top.Role,-12}  {top.Query}");
        }
    }

    private ServiceProvider Services()
    {
        var services = new ServiceCollection();
        services.AddOpsDashDatabase(app, jobs);
        services.AddJobHandler<NoopJob, NoopHandler>();
        return services.BuildServiceProvider();
    }
}

/// <summary>One queue's drain: jobs/s until all ran and until all were recorded done; the server's statements and transactions per job.</summary>
internal sealed record DrainFigures(double RanPerSecond, double RecordedPerSecond, double StatementsPerJob, double CommitsPerJob);

/// <summary>Enqueue-to-start on an idle worker, in ms; and the enqueue call alone.</summary>
internal sealed record LatencyFigures(double P50, double P95, double Max, double EnqueueP50);
