using System.Diagnostics;
using Npgsql;

namespace OpsDash.Host.Database;

/// <summary>Where and how the embedded cluster runs. <c>ShutdownWait</c>: how long a start waits for a previous server of this cluster that is still shutting down (or starting); default 60 s.</summary>
public sealed record EmbeddedPostgresOptions(string DataDirectory, int Port, string BinDirectory, IReadOnlyList<string> ExtraSettings, TimeSpan? ShutdownWait = null);

/// <summary>
/// A PostgreSQL cluster the Host (or the test run) starts for itself in a git-ignored folder:
/// initdb once, then reuse. PostgreSQL refuses to run as root, so as root every server command
/// runs as the <c>postgres</c> OS user. Dev and test only; see docs/adr/0006-embedded-postgres-and-roles.md.
/// </summary>
public sealed class EmbeddedPostgres(EmbeddedPostgresOptions options, ILogger logger)
{
    private const string ServiceUser = "postgres";

    private string ClusterDirectory => Path.Combine(options.DataDirectory, "cluster");

    private string SocketDirectory => Path.Combine(options.DataDirectory, "socket");

    private string LogFile => Path.Combine(options.DataDirectory, "postgres.log");

    public string SuperuserConnectionString =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = options.Port,
            Username = ServiceUser,
            Database = "postgres",
            Pooling = false,
        }.ConnectionString;

    public async Task StartAsync(CancellationToken ct = default)
    {
        Directory.CreateDirectory(options.DataDirectory);
        Directory.CreateDirectory(SocketDirectory);
        if (IsRoot)
        {
            MakeReachableByServiceUser(options.DataDirectory);
        }

        if (await WaitUntilReadyOrStoppedAsync(ct))
        {
            logger.LogInformation("PostgreSQL already running in {Directory}", ClusterDirectory);
            return;
        }

        // Only once no server of this cluster runs: a recursive chown under a server that is exiting
        // trips over the files it removes (postmaster.pid).
        if (IsRoot)
        {
            await RunAsync("chown", ["-R", $"{ServiceUser}:", options.DataDirectory], asServiceUser: false, ct);
        }

        if (!File.Exists(Path.Combine(ClusterDirectory, "PG_VERSION")))
        {
            logger.LogInformation("initdb: creating PostgreSQL cluster in {Directory}", ClusterDirectory);
            await RunAsync(Tool("initdb"), ["-D", ClusterDirectory, "-U", ServiceUser, "--auth=trust", "-E", "UTF8", "--no-locale"], asServiceUser: true, ct);
        }

        var settings = new List<string>
        {
            $"-p {options.Port}",
            "-c listen_addresses=127.0.0.1",
            $"-c unix_socket_directories={SocketDirectory}",
        };
        settings.AddRange(options.ExtraSettings.Select(s => $"-c {s}"));
        logger.LogInformation("Starting PostgreSQL on 127.0.0.1:{Port}", options.Port);
        await RunAsync(Tool("pg_ctl"), ["start", "-w", "-t", "60", "-D", ClusterDirectory, "-l", LogFile, "-o", string.Join(' ', settings)], asServiceUser: true, ct);
    }

    public async Task StopAsync()
    {
        if (await IsRunningAsync(CancellationToken.None))
        {
            await RunAsync(Tool("pg_ctl"), ["stop", "-w", "-m", "fast", "-D", ClusterDirectory], asServiceUser: true, CancellationToken.None);
        }
    }

    private async Task<bool> IsRunningAsync(CancellationToken ct)
    {
        var (exitCode, _) = await ExecAsync(Tool("pg_ctl"), ["status", "-D", ClusterDirectory], asServiceUser: true, ct);
        return exitCode == 0;
    }

    /// <summary>
    /// True when a server of this cluster is up and answers a connection (reuse it); false once none is
    /// running (start one). A server still shutting down (a Host restarted within seconds) refuses new
    /// connections, and pg_ctl start would refuse while its postmaster.pid exists, so this waits for it
    /// to exit, up to <see cref="EmbeddedPostgresOptions.ShutdownWait"/>, rather than carry on without a database.
    /// The connection decides, not postmaster.pid alone: right after a stop signal the file still says ready.
    /// </summary>
    private async Task<bool> WaitUntilReadyOrStoppedAsync(CancellationToken ct)
    {
        var wait = options.ShutdownWait ?? TimeSpan.FromSeconds(60);
        var waited = Stopwatch.StartNew();
        var logged = false;
        while (true)
        {
            if (!await IsRunningAsync(ct))
            {
                return false;
            }

            var state = PostmasterState();
            string? refused = null;
            if (state is "ready")
            {
                refused = await RefusedConnectionAsync(ct);
                if (refused is null)
                {
                    return true;
                }
            }

            if (waited.Elapsed >= wait)
            {
                throw new InvalidOperationException(
                    $"PostgreSQL in {ClusterDirectory} is running but not accepting connections on port {options.Port} after {wait.TotalSeconds:0} s " +
                    $"(postmaster.pid says '{state ?? "unknown"}'{(refused is null ? string.Empty : $"; {refused}")}): a previous server is still shutting down " +
                    "(a smart shutdown waits for its clients to disconnect), starting, or listening elsewhere. Stop it (pg_ctl stop -m fast -D <dir>) and start again.");
            }

            if (!logged)
            {
                logger.LogInformation("PostgreSQL in {Directory} is {State}; waiting for it before starting", ClusterDirectory, refused ?? state ?? "changing state");
                logged = true;
            }

            // Shutting down, starting, or postmaster.pid just written or removed: look again shortly.
            await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
        }
    }

    /// <summary>Null when the server answers <c>select 1</c>; otherwise why not.</summary>
    private async Task<string?> RefusedConnectionAsync(CancellationToken ct)
    {
        var probe = new NpgsqlConnectionStringBuilder(SuperuserConnectionString) { Timeout = 5 }.ConnectionString;
        try
        {
            await using var connection = new NpgsqlConnection(probe);
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand("select 1", connection);
            await command.ExecuteScalarAsync(ct);
            return null;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            return e.Message;
        }
    }

    /// <summary>The postmaster's own status line in postmaster.pid (line 8: starting, stopping, ready, standby), or null when absent.</summary>
    private string? PostmasterState()
    {
        try
        {
            var lines = File.ReadAllLines(Path.Combine(ClusterDirectory, "postmaster.pid"));
            return lines.Length >= 8 && lines[7].Trim() is { Length: > 0 } state ? state : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private string Tool(string name)
    {
        var path = Path.Combine(options.BinDirectory, name);
        return File.Exists(path)
            ? path
            : throw new InvalidOperationException(
                $"PostgreSQL tool '{name}' not found in {options.BinDirectory}. Install postgresql-15 (the README's commands do) or set Database:Embedded:BinDirectory.");
    }

    private static bool IsRoot => Environment.UserName == "root";

    /// <summary>The service user must be able to traverse every ancestor (e.g. a clone under a 0700 mktemp folder).</summary>
    private static void MakeReachableByServiceUser(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        for (var dir = new DirectoryInfo(Path.GetFullPath(directory)); dir is not null; dir = dir.Parent)
        {
            var mode = File.GetUnixFileMode(dir.FullName);
            if (!mode.HasFlag(UnixFileMode.OtherExecute))
            {
                File.SetUnixFileMode(dir.FullName, mode | UnixFileMode.OtherExecute);
            }
        }
    }

    private async Task RunAsync(string file, IReadOnlyList<string> args, bool asServiceUser, CancellationToken ct)
    {
        var (exitCode, output) = await ExecAsync(file, args, asServiceUser, ct);
        if (exitCode != 0)
        {
            var log = File.Exists(LogFile) ? string.Join('\n', File.ReadLines(LogFile).TakeLast(20)) : string.Empty;
            throw new InvalidOperationException($"{Path.GetFileName(file)} failed ({exitCode}): {output}\n{log}");
        }
    }

    private static async Task<(int ExitCode, string Output)> ExecAsync(string file, IReadOnlyList<string> args, bool asServiceUser, CancellationToken ct)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asServiceUser && IsRoot)
        {
            start.FileName = "runuser";
            foreach (var a in new[] { "-u", ServiceUser, "--", file })
            {
                start.ArgumentList.Add(a);
            }
        }
        else
        {
            start.FileName = file;
        }

        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}");
        // pg_ctl start leaves the server holding the inherited pipes; read until exit, not until EOF.
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        var output = await Task.WhenAny(Task.WhenAll(stdout, stderr), Task.Delay(TimeSpan.FromSeconds(2), ct)) is Task<string[]> done
            ? string.Concat(done.Result)
            : string.Empty;
        return (process.ExitCode, output.Trim());
    }
}
