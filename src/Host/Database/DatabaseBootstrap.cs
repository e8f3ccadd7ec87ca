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

    public sealed record Connections(string Owner, string App, EmbeddedPostgres? Embedded);

    public static async Task<Connections> PrepareAsync(DatabaseSettings settings, ILogger logger, CancellationToken ct = default)
    {
        EmbeddedPostgres? embedded = null;
        string owner;
        if (!string.IsNullOrWhiteSpace(settings.Url))
        {
            owner = DatabaseSettings.ToNpgsql(settings.Url);
        }
        else
        {
            var dataDirectory = settings.Embedded.DataDirectory ?? Path.Combine(RepositoryRoot.Find(), ".data", "postgres");
            embedded = new EmbeddedPostgres(
                new EmbeddedPostgresOptions(dataDirectory, settings.Embedded.Port, settings.Embedded.BinDirectory, []),
                logger);
            await embedded.StartAsync(ct);
            await EnsureDatabaseAsync(embedded.SuperuserConnectionString, settings.OwnerRole, settings.DatabaseName, template: null, ct);
            owner = new NpgsqlConnectionStringBuilder(embedded.SuperuserConnectionString)
            {
                Username = settings.OwnerRole,
                Database = settings.DatabaseName,
                Pooling = true,
            }.ConnectionString;
        }

        if (settings.MigrateOnStartup)
        {
            var applied = await new MigrationRunner(owner, settings.ResolveScriptsPath(), logger).MigrateAsync(ct: ct);
            logger.LogInformation("Migrations: {Count} applied", applied.Count);
        }

        if (!string.IsNullOrEmpty(settings.AppPassword))
        {
            await SetAppPasswordAsync(owner, settings.AppRole, settings.AppPassword, ct);
        }

        return new Connections(owner, settings.AppConnectionString(owner), embedded);
    }

    /// <summary>The app role's password comes from configuration, never from a script.</summary>
    private static async Task SetAppPasswordAsync(string owner, string appRole, string password, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(owner);
        await connection.OpenAsync(ct);
        // ALTER ROLE takes no parameters; format(%I, %L) quotes the identifier and the literal.
        var statement = await connection.ExecuteScalarAsync<string>(new CommandDefinition(
            "select format('alter role %I with login password %L', @appRole, @password)", new { appRole, password }, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(statement!, cancellationToken: ct));
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
