using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using OpsDash.Host.Database;

namespace OpsDash.Tests.Infrastructure;

/// <summary>
/// One PostgreSQL cluster per test run, started like the Host starts its own, with the real
/// db/scripts migrated once (by the Host's runner) into a template database. A test class rents a database of its own
/// (<see cref="RentDatabaseAsync"/>), a new clone of the template (<c>CREATE DATABASE ... TEMPLATE</c>), so classes
/// run in parallel. Cloning measured faster than resetting pooled databases with Respawn (ADR 0003).
/// </summary>
public sealed class TestDatabaseServer
{
    public const string TemplateDatabase = "opsdash_template";
    public const string OwnerRole = "opsdash_owner";

    /// <summary>
    /// The one database where the app and jobs roles must give a password (SCRAM) over TCP; everywhere
    /// else the test cluster trusts loopback. Lets a test see role passwords really checked.
    /// </summary>
    public const string PasswordDatabase = "opsdash_passwords";

    private const string PasswordHbaLine = $"host {PasswordDatabase} opsdash_app,opsdash_jobs 127.0.0.1/32 scram-sha-256";

    private static readonly Lazy<Task<TestDatabaseServer>> Instance = new(StartAsync);
    private static readonly SemaphoreSlim CreateLock = new(1, 1);
    private readonly EmbeddedPostgres _postgres;
    private int _rentals;
    private long _cloneTicks;

    private TestDatabaseServer(EmbeddedPostgres postgres) => _postgres = postgres;

    public static string ScriptsPath { get; } = Path.Combine(RepositoryRoot.Find(), "db", "scripts");

    /// <summary>The run-once migrations, <c>db/scripts/migrations</c>.</summary>
    public static string MigrationsPath { get; } = Path.Combine(ScriptsPath, ScriptFolder.MigrationsFolder);

    public string SuperuserConnectionString => _postgres.SuperuserConnectionString;

    public static Task<TestDatabaseServer> GetAsync() => Instance.Value;

    /// <summary>A migrated database for one test class, nobody else's; its owner connection string.</summary>
    public async Task<string> RentDatabaseAsync(string prefix)
    {
        Interlocked.Increment(ref _rentals);
        var started = Stopwatch.GetTimestamp();
        var created = await CreateDatabaseAsync(prefix);
        Interlocked.Add(ref _cloneTicks, Stopwatch.GetTimestamp() - started);
        return created;
    }

    /// <summary>A new database cloned from the migrated template; returns its owner connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"t_{prefix.ToLowerInvariant()}_{Guid.NewGuid():N}"[..Math.Min(63, prefix.Length + 35)];
        await CreateLock.WaitAsync();
        try
        {
            await DatabaseBootstrap.EnsureDatabaseAsync(SuperuserConnectionString, OwnerRole, name, TemplateDatabase, CancellationToken.None);
        }
        finally
        {
            CreateLock.Release();
        }

        return OwnerConnectionString(name);
    }

    /// <summary>An empty database (no migrations), for migration tests.</summary>
    public async Task<string> CreateEmptyDatabaseAsync(string prefix)
    {
        var name = $"e_{prefix.ToLowerInvariant()}_{Guid.NewGuid():N}";
        await CreateLock.WaitAsync();
        try
        {
            await DatabaseBootstrap.EnsureDatabaseAsync(SuperuserConnectionString, OwnerRole, name, template: null, CancellationToken.None);
        }
        finally
        {
            CreateLock.Release();
        }

        return OwnerConnectionString(name);
    }

    /// <summary>A copy of another test database (which must have no open connection), for migration tests.</summary>
    public async Task<string> CopyDatabaseAsync(string sourceConnectionString, string prefix)
    {
        var name = $"e_{prefix.ToLowerInvariant()}_{Guid.NewGuid():N}";
        NpgsqlConnection.ClearAllPools();
        await CreateLock.WaitAsync();
        try
        {
            var source = new NpgsqlConnectionStringBuilder(sourceConnectionString).Database;
            await DatabaseBootstrap.EnsureDatabaseAsync(SuperuserConnectionString, OwnerRole, name, source, CancellationToken.None);
        }
        finally
        {
            CreateLock.Release();
        }

        return OwnerConnectionString(name);
    }

    /// <summary>An empty database named <see cref="PasswordDatabase"/> (re-created), for the role password tests.</summary>
    public async Task<string> CreatePasswordDatabaseAsync()
    {
        await CreateLock.WaitAsync();
        try
        {
            await using (var connection = new NpgsqlConnection(SuperuserConnectionString))
            {
                await connection.ExecuteAsync($"drop database if exists {PasswordDatabase} with (force)");
            }

            await DatabaseBootstrap.EnsureDatabaseAsync(SuperuserConnectionString, OwnerRole, PasswordDatabase, template: null, CancellationToken.None);
        }
        finally
        {
            CreateLock.Release();
        }

        return OwnerConnectionString(PasswordDatabase);
    }

    public string OwnerConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder(SuperuserConnectionString)
        {
            Username = OwnerRole,
            Database = database,
            Pooling = true,
            MaxPoolSize = 20,
        }.ConnectionString;

    private static async Task<TestDatabaseServer> StartAsync()
    {
        var logger = NullLogger.Instance;
        var postgres = new EmbeddedPostgres(
            new EmbeddedPostgresOptions(
                Path.Combine(RepositoryRoot.Find(), ".data", "test-postgres"),
                FreePort(),
                Environment.GetEnvironmentVariable("OPSDASH_PG_BIN") ?? "/usr/lib/postgresql/15/bin",
                // Throwaway data: durability off for speed.
                ["fsync=off", "synchronous_commit=off", "full_page_writes=off", "max_connections=300"]),
            logger);
        await postgres.StopAsync(); // a run that crashed may have left it running on another port
        await postgres.StartAsync();
        var server = new TestDatabaseServer(postgres);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            // How the run got its databases, for ADR 0003's figures; first, as the test host may be killed while PostgreSQL stops.
            File.WriteAllText(Path.Combine(RepositoryRoot.Find(), ".data", "test-databases.txt"),
                $"clone: {server._rentals} clones in {Milliseconds(server._cloneTicks)} ms\n");
            postgres.StopAsync().GetAwaiter().GetResult();
        };

        await server.RequirePasswordsInPasswordDatabaseAsync();
        await server.DropLeftoversAsync();
        await DatabaseBootstrap.EnsureDatabaseAsync(server.SuperuserConnectionString, OwnerRole, TemplateDatabase, template: null, CancellationToken.None);
        var template = server.OwnerConnectionString(TemplateDatabase);
        await new MigrationRunner(template, ScriptsPath, logger).MigrateAsync();
        NpgsqlConnection.ClearAllPools(); // a template must have no open connections
        return server;
    }

    private async Task RequirePasswordsInPasswordDatabaseAsync()
    {
        await using var connection = new NpgsqlConnection(SuperuserConnectionString);
        var hbaFile = await connection.ExecuteScalarAsync<string>("show hba_file");
        var lines = await File.ReadAllLinesAsync(hbaFile!);
        if (!lines.Contains(PasswordHbaLine))
        {
            // The first matching line wins, so it goes before initdb's "trust" lines.
            await File.WriteAllLinesAsync(hbaFile!, [PasswordHbaLine, .. lines]);
            await connection.ExecuteAsync("select pg_reload_conf()");
        }
    }

    private async Task DropLeftoversAsync()
    {
        await using var connection = new NpgsqlConnection(SuperuserConnectionString);
        var names = await connection.QueryAsync<string>(
            "select datname from pg_database where datname like 't\\_%' or datname like 'e\\_%' or datname in (@TemplateDatabase, @PasswordDatabase)",
            new { TemplateDatabase, PasswordDatabase });
        foreach (var name in names)
        {
            var quoted = await connection.ExecuteScalarAsync<string>("select quote_ident(@name)", new { name });
            await connection.ExecuteAsync($"drop database if exists {quoted} with (force)");
        }
    }

    private static long Milliseconds(long ticks) => ticks * 1000 / Stopwatch.Frequency;

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
