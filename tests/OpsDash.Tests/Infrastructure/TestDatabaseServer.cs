using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using OpsDash.Host.Database;
using Respawn;
using Respawn.Graph;

namespace OpsDash.Tests.Infrastructure;

/// <summary>
/// One PostgreSQL cluster per test run, started like the Host starts its own, with the real
/// db/scripts migrated once (by the Host's runner) into a template database. A test class rents a database of its own
/// (<see cref="RentDatabaseAsync"/>), so classes run in parallel. Two ways to get one, chosen by
/// <c>OPSDASH_TEST_DATABASES</c> (issue 18, ADR 0003): <c>clone</c> makes a new clone of the template for every
/// class (<c>CREATE DATABASE ... TEMPLATE</c>); <c>respawn</c> keeps a pool of clones, one per class running at
/// once, and a returned one is reset by Respawn before the next class gets it.
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
    private static readonly bool UseRespawn = Environment.GetEnvironmentVariable("OPSDASH_TEST_DATABASES") == "respawn";
    private readonly EmbeddedPostgres _postgres;
    private readonly ConcurrentBag<string> _free = [];
    private Reset? _reset;
    private int _rentals;
    private int _resets;
    private long _cloneTicks;
    private long _resetTicks;

    private TestDatabaseServer(EmbeddedPostgres postgres) => _postgres = postgres;

    public static string ScriptsPath { get; } = Path.Combine(RepositoryRoot.Find(), "db", "scripts");

    /// <summary>The run-once migrations, <c>db/scripts/migrations</c>.</summary>
    public static string MigrationsPath { get; } = Path.Combine(ScriptsPath, ScriptFolder.MigrationsFolder);

    public string SuperuserConnectionString => _postgres.SuperuserConnectionString;

    public static Task<TestDatabaseServer> GetAsync() => Instance.Value;

    /// <summary>A migrated database for one test class, nobody else's until <see cref="ReturnDatabase"/>; its owner connection string.</summary>
    public async Task<string> RentDatabaseAsync(string prefix)
    {
        Interlocked.Increment(ref _rentals);
        var started = Stopwatch.GetTimestamp();
        if (UseRespawn && _free.TryTake(out var name))
        {
            Interlocked.Increment(ref _resets);
            // Unpooled: a reset must leave no session behind in the database the class gets.
            await _reset!.RunAsync(new NpgsqlConnectionStringBuilder(SuperuserConnectionString) { Database = name, Pooling = false }.ConnectionString, name);
            Interlocked.Add(ref _resetTicks, Stopwatch.GetTimestamp() - started);
            return OwnerConnectionString(name);
        }

        var created = await CreateDatabaseAsync(UseRespawn ? "pool" : prefix);
        Interlocked.Add(ref _cloneTicks, Stopwatch.GetTimestamp() - started);
        return created;
    }

    /// <summary>The class is done with it (its Host stopped): the pool's next class gets it after a reset.</summary>
    public void ReturnDatabase(string ownerConnectionString)
    {
        if (UseRespawn)
        {
            // The class's pooled owner sessions stay otherwise, and the next class would see them as its own.
            using (var pooled = new NpgsqlConnection(ownerConnectionString))
            {
                NpgsqlConnection.ClearPool(pooled);
            }

            _free.Add(new NpgsqlConnectionStringBuilder(ownerConnectionString).Database!);
        }
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
                $"{(UseRespawn ? "respawn" : "clone")}: {server._rentals} rentals, {server._resets} Respawn resets in {Milliseconds(server._resetTicks)} ms, " +
                $"{server._rentals - server._resets} clones in {Milliseconds(server._cloneTicks)} ms\n");
            postgres.StopAsync().GetAwaiter().GetResult();
        };

        await server.RequirePasswordsInPasswordDatabaseAsync();
        await server.DropLeftoversAsync();
        await DatabaseBootstrap.EnsureDatabaseAsync(server.SuperuserConnectionString, OwnerRole, TemplateDatabase, template: null, CancellationToken.None);
        var template = server.OwnerConnectionString(TemplateDatabase);
        await new MigrationRunner(template, ScriptsPath, logger).MigrateAsync();
        if (UseRespawn)
        {
            server._reset = await Reset.CreateAsync(
                new NpgsqlConnectionStringBuilder(server.SuperuserConnectionString) { Database = TemplateDatabase, Pooling = false }.ConnectionString);
        }

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

    /// <summary>
    /// Puts a pooled database back as the template was: Respawn truncates every table of the application's schemas
    /// but <c>migrations.journal</c>, then the rows the migrations seeded (plans, features, policies...), read from
    /// the template once, are written back, since a class may have changed them. Runs as the superuser (tables are
    /// owned by opsdash_owner with RLS forced; foreign keys and triggers are off while the seed goes back).
    /// Per-database role settings a class made (ContactTransferFactory's statement_timeout) are reset too.
    /// </summary>
    private sealed class Reset(Respawner respawner, IReadOnlyList<SeededTable> seeded)
    {
        private const string SchemasSql = """
            select n.nspname from pg_namespace n
             where n.nspowner = @OwnerRole::regrole and n.nspname not in ('public', 'migrations')
             order by 1
            """;

        // Every table the migrations left rows in, with its writable columns and its rows as JSON.
        private const string SeededSql = """
            select format('%I.%I', n.nspname, c.relname) as name,
                   (select string_agg(quote_ident(a.attname), ', ' order by a.attnum) from pg_attribute a
                     where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and a.attgenerated = '') as columns
              from pg_class c join pg_namespace n on n.oid = c.relnamespace
             where c.relkind = 'r' and n.nspname = any (@Schemas)
             order by 1
            """;

        public static async Task<Reset> CreateAsync(string templateSuperuser)
        {
            await using var connection = new NpgsqlConnection(templateSuperuser);
            await connection.OpenAsync();
            var schemas = (await connection.QueryAsync<string>(SchemasSql, new { OwnerRole })).ToArray();
            var respawner = await Respawner.CreateAsync(connection, new RespawnerOptions
            {
                DbAdapter = DbAdapter.Postgres,
                SchemasToInclude = schemas,
                TablesToIgnore = [new Table("migrations", "journal")],
            });
            var seeded = new List<SeededTable>();
            foreach (var (name, columns) in await connection.QueryAsync<(string, string)>(SeededSql, new { Schemas = schemas }))
            {
                // The names come from the catalog, not from input.
                var rows = await connection.ExecuteScalarAsync<string>($"select coalesce(json_agg(t), '[]')::text from {name} t where exists (select from {name})");
                if (rows is not null and not "[]")
                {
                    seeded.Add(new SeededTable(name, columns, rows));
                }
            }

            return new Reset(respawner, seeded);
        }

        public async Task RunAsync(string superuser, string database)
        {
            await using var connection = new NpgsqlConnection(superuser);
            await connection.OpenAsync();
            await respawner.ResetAsync(connection);
            await using (var transaction = await connection.BeginTransactionAsync())
            {
                await connection.ExecuteAsync("set local session_replication_role = replica", transaction: transaction);
                foreach (var table in seeded)
                {
                    await connection.ExecuteAsync(
                        $"insert into {table.Name} ({table.Columns}) overriding system value select {table.Columns} from json_populate_recordset(null::{table.Name}, @Rows::json)",
                        new { table.Rows }, transaction);
                }

                await transaction.CommitAsync();
            }

            var quoted = await connection.ExecuteScalarAsync<string>("select quote_ident(@database)", new { database });
            await connection.ExecuteAsync($"alter role opsdash_app in database {quoted} reset all; alter role opsdash_jobs in database {quoted} reset all");
        }
    }

    private sealed record SeededTable(string Name, string Columns, string Rows);
}
