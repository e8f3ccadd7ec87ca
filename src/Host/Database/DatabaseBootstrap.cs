using Dapper;
using Npgsql;

namespace OpsDash.Host.Database;

/// <summary>Start-up: pick or start the server, make sure database and roles exist, migrate.</summary>
public static class DatabaseBootstrap
{
    private const string EnsureOwnerRoleSql = """
        do $$
        begin
            if not exists (select 1 from pg_roles where rolname = current_setting('opsdash.owner_role')) then
                execute format('create role %I login', current_setting('opsdash.owner_role'));
            end if;
            -- BYPASSRLS: the owner runs migrations and SECURITY DEFINER functions over FORCE RLS tables.
            if not exists (select 1 from pg_roles where rolname = current_setting('opsdash.owner_role') and rolcreaterole and rolbypassrls) then
                execute format('alter role %I createrole bypassrls', current_setting('opsdash.owner_role'));
            end if;
        end $$;
        """;

    /// <summary>What the Host keeps: the app and jobs roles' connections, never the owner's.</summary>
    public sealed record Connections(string App, string Jobs, EmbeddedPostgres? Embedded);

    /// <summary>The owner (migrator) connection, unpooled so that closing it leaves no session behind.</summary>
    public sealed record Server(string Owner, EmbeddedPostgres? Embedded);

    public static async Task<Connections> PrepareAsync(DatabaseSettings settings, ILogger logger, CancellationToken ct = default)
    {
        var server = await StartAsync(settings, logger, ct);
        if (settings.MigrateOnStartup)
        {
            var applied = await new MigrationRunner(server.Owner, settings.ResolveScriptsPath(), logger).MigrateAsync(ct: ct);
            logger.LogInformation("Migrations: {Count} applied, {Repeatables} re-appliable file(s) run", applied.Migrations.Count, applied.Repeatables.Count);
        }

        await EnsureRolePasswordsAsync(server.Owner, settings, logger, ct);
        return new Connections(settings.AppConnectionString(server.Owner), settings.JobsConnectionString(server.Owner), server.Embedded);
    }

    /// <summary>Picks the configured server or starts the embedded one, and returns the owner connection.</summary>
    public static async Task<Server> StartAsync(DatabaseSettings settings, ILogger logger, CancellationToken ct = default)
    {
        EmbeddedPostgres? embedded = null;
        NpgsqlConnectionStringBuilder owner;
        if (!string.IsNullOrWhiteSpace(settings.Url))
        {
            owner = new NpgsqlConnectionStringBuilder(DatabaseSettings.ToNpgsql(settings.Url));
        }
        else
        {
            var dataDirectory = settings.Embedded.DataDirectory ?? Path.Combine(RepositoryRoot.Find(), ".data", "postgres");
            embedded = new EmbeddedPostgres(
                new EmbeddedPostgresOptions(dataDirectory, settings.Embedded.Port, settings.Embedded.BinDirectory, settings.Embedded.Settings),
                logger);
            await StartEmbeddedAsync(embedded, settings, ct);
            owner = new NpgsqlConnectionStringBuilder(embedded.SuperuserConnectionString)
            {
                Username = settings.OwnerRole,
                Database = settings.DatabaseName,
            };
        }

        owner.Pooling = false;
        owner.ApplicationName = "opsdash-migrate";
        return new Server(owner.ConnectionString, embedded);
    }

    /// <summary>
    /// Starts (or reuses) the embedded cluster and makes sure the database exists. A server that began
    /// shutting down between the start's check and our first connection refuses it (57P03); then the
    /// start runs again, which waits for that server to exit and starts a new one.
    /// </summary>
    private static async Task StartEmbeddedAsync(EmbeddedPostgres embedded, DatabaseSettings settings, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            await embedded.StartAsync(ct);
            try
            {
                await EnsureDatabaseAsync(embedded.SuperuserConnectionString, settings.OwnerRole, settings.DatabaseName, template: null, ct);
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.CannotConnectNow && attempt < 3)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
            }
        }
    }

    /// <summary>Sets the app and jobs roles' passwords from configuration where they differ (see <see cref="RolePasswords"/>).</summary>
    public static async Task EnsureRolePasswordsAsync(string owner, DatabaseSettings settings, ILogger logger, CancellationToken ct)
    {
        await RolePasswords.EnsureAsync(owner, settings.AppRole, settings.AppPassword, logger, ct);
        await RolePasswords.EnsureAsync(owner, settings.JobsRole, settings.JobsPassword, logger, ct);
    }

    /// <summary>Creates the owner role and the database (optionally from a template) if missing. Needs a superuser.</summary>
    public static async Task EnsureDatabaseAsync(string superuser, string ownerRole, string database, string? template, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(superuser);
        await connection.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition("select set_config('opsdash.owner_role', @ownerRole, false)", new { ownerRole }, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(EnsureOwnerRoleSql, cancellationToken: ct));
        var exists = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "select exists (select 1 from pg_database where datname = @database)", new { database }, cancellationToken: ct));
        if (!exists)
        {
            // Identifiers cannot be parameters; quote_ident makes them safe.
            var quoted = await connection.QuerySingleAsync<(string Db, string Owner, string? Template)>(new CommandDefinition(
                "select quote_ident(@database), quote_ident(@ownerRole), quote_ident(@template)", new { database, ownerRole, template }, cancellationToken: ct));
            var templateClause = quoted.Template is null ? string.Empty : $" template {quoted.Template}";
            await connection.ExecuteAsync(new CommandDefinition($"create database {quoted.Db} owner {quoted.Owner}{templateClause}", cancellationToken: ct));
        }
    }
}
