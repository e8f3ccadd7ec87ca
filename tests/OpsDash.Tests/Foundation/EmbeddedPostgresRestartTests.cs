using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using OpsDash.Host.Database;

namespace OpsDash.Tests.Foundation;

/// <summary>
/// Issue 17: a Host restarted within seconds found the embedded cluster "already running" while its
/// previous server was still shutting down, and carried on without a database. Each test has a real
/// cluster of its own in a temporary folder and stops it the way the old Host did, without waiting.
/// </summary>
public sealed class EmbeddedPostgresRestartTests : IAsyncLifetime
{
    private static readonly string PgBin = Environment.GetEnvironmentVariable("OPSDASH_PG_BIN") ?? "/usr/lib/postgresql/15/bin";
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "opsdash-restart-" + Guid.NewGuid().ToString("N"));
    private readonly EmbeddedPostgresOptions _options;

    public EmbeddedPostgresRestartTests() =>
        _options = new EmbeddedPostgresOptions(_directory, FreePort(), PgBin, ["shared_buffers=16MB", "fsync=off"], TimeSpan.FromSeconds(60));

    private string Cluster => Path.Combine(_directory, "cluster");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await PgCtlAsync("stop", "-w", "-m", "immediate");
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task A_start_while_the_previous_server_is_in_a_smart_shutdown_waits_for_it_to_exit_then_starts_a_new_one()
    {
        await new EmbeddedPostgres(_options, NullLogger.Instance).StartAsync();
        await using var lingering = await ConnectAsync();
        var firstStart = await lingering.ExecuteScalarAsync<DateTime>("select pg_postmaster_start_time()");
        await BeginShutdownAsync("smart");

        var restart = new EmbeddedPostgres(_options, NullLogger.Instance).StartAsync();
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.False(restart.IsCompleted, "the start went on while the old server was shutting down");

        await lingering.CloseAsync(); // the smart shutdown ends with its last client
        await restart.WaitAsync(TimeSpan.FromSeconds(60));

        await using var after = await ConnectAsync();
        Assert.Equal(1, await after.ExecuteScalarAsync<int>("select 1"));
        Assert.True(await after.ExecuteScalarAsync<DateTime>("select pg_postmaster_start_time()") > firstStart);
    }

    [Fact]
    public async Task A_start_right_after_a_fast_stop_that_was_not_waited_for_ends_with_a_reachable_cluster()
    {
        await new EmbeddedPostgres(_options, NullLogger.Instance).StartAsync();
        await using (var busy = await ConnectAsync())
        {
            // Dirty buffers give the shutdown checkpoint something to write.
            await busy.ExecuteAsync("create table t as select g from generate_series(1, 200000) g");
        }

        await PgCtlAsync("stop", "-W", "-m", "fast");
        await new EmbeddedPostgres(_options, NullLogger.Instance).StartAsync().WaitAsync(TimeSpan.FromSeconds(60));

        await using var after = await ConnectAsync();
        Assert.Equal(200000, await after.ExecuteScalarAsync<int>("select count(*) from t"));
    }

    [Fact]
    public async Task A_start_gives_up_with_a_clear_message_when_the_old_server_never_finishes_shutting_down()
    {
        await new EmbeddedPostgres(_options, NullLogger.Instance).StartAsync();
        await using var lingering = await ConnectAsync();
        await BeginShutdownAsync("smart");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            new EmbeddedPostgres(_options with { ShutdownWait = TimeSpan.FromSeconds(2) }, NullLogger.Instance).StartAsync());

        Assert.Contains("'stopping'", error.Message, StringComparison.Ordinal);
        Assert.Contains(Cluster, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Host_started_while_its_embedded_server_is_shutting_down_becomes_healthy()
    {
        await new EmbeddedPostgres(_options, NullLogger.Instance).StartAsync();
        var lingering = await ConnectAsync();
        await BeginShutdownAsync("smart");

        await using var host = new EmbeddedHostFactory(_options);
        var starting = Task.Run(() => host.CreateClient());
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.False(starting.IsCompleted, "the Host started while its database was shutting down");
        await lingering.DisposeAsync();
        var client = await starting.WaitAsync(TimeSpan.FromMinutes(3));

        var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains("migrations applied", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>Sends the stop and returns at once (<c>-W</c>), then waits until new connections are refused as "shutting down".</summary>
    private async Task BeginShutdownAsync(string mode)
    {
        await PgCtlAsync("stop", "-W", "-m", mode);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await using var probe = await ConnectAsync();
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.CannotConnectNow)
            {
                return;
            }

            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(10), "the server did not begin shutting down");
            await Task.Delay(50);
        }
    }

    private async Task<NpgsqlConnection> ConnectAsync()
    {
        var connection = new NpgsqlConnection(new EmbeddedPostgres(_options, NullLogger.Instance).SuperuserConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private async Task PgCtlAsync(params string[] args)
    {
        var start = new ProcessStartInfo { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        var command = new List<string> { Path.Combine(PgBin, "pg_ctl") };
        command.AddRange(args);
        command.AddRange(["-D", Cluster]);
        if (Environment.UserName == "root")
        {
            command.InsertRange(0, ["-u", "postgres", "--"]);
            start.FileName = "runuser";
        }
        else
        {
            start.FileName = command[0];
            command.RemoveAt(0);
        }

        command.ForEach(start.ArgumentList.Add);
        using var process = Process.Start(start)!;
        await process.WaitForExitAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The real Host in embedded mode (no Database:Url) on the test's cluster.</summary>
    private sealed class EmbeddedHostFactory(EmbeddedPostgresOptions options) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            builder.ConfigureLogging(logging => logging.ClearProviders());
            builder.UseSetting("Database:Url", string.Empty);
            builder.UseSetting("Database:ScriptsPath", TestDatabaseServer.ScriptsPath);
            builder.UseSetting("Database:Embedded:DataDirectory", options.DataDirectory);
            builder.UseSetting("Database:Embedded:Port", options.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("Database:Embedded:BinDirectory", options.BinDirectory);
            builder.UseSetting("Database:Embedded:Settings:0", "shared_buffers=16MB");
            builder.UseSetting("Database:Embedded:Settings:1", "fsync=off");
            builder.UseSetting("Auth:Jwt:SigningKey", OpsDashFactory.SigningKey);
            builder.UseSetting("Jobs:Enabled", "false");
            builder.UseSetting("Schedules:Enabled", "false");
        }
    }
}
