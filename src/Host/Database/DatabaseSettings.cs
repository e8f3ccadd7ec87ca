using Npgsql;

namespace OpsDash.Host.Database;

/// <summary>
/// Database configuration. <c>Database:Url</c> (env <c>OPSDASH_DATABASE_URL</c>) is the owner/migrator
/// connection, used at start-up only and then forgotten (<see cref="ForgetOwnerCredential"/>); requests connect
/// as <see cref="AppRole"/> and background work as <see cref="JobsRole"/>, which own nothing and cannot bypass RLS.
/// With no URL, an embedded cluster is started under <c>.data/postgres</c>.
/// </summary>
public sealed class DatabaseSettings
{
    public string? Url { get; set; }

    /// <summary>Fixed, not configurable: db/scripts grant to this role by name.</summary>
    public string AppRole => "opsdash_app";

    public string? AppPassword { get; set; }

    /// <summary>Fixed, like <see cref="AppRole"/>: core.is_system() recognises this login role by name.</summary>
    public string JobsRole => "opsdash_jobs";

    public string? JobsPassword { get; set; }

    public string OwnerRole { get; set; } = "opsdash_owner";

    public string DatabaseName { get; set; } = "opsdash";

    public bool MigrateOnStartup { get; set; } = true;

    public string? ScriptsPath { get; set; }

    public EmbeddedSettings Embedded { get; set; } = new();

    public string ResolveScriptsPath() =>
        ScriptsPath ?? Path.Combine(AppContext.BaseDirectory, "db", "scripts");

    /// <summary>The app-role connection: same server and database as the owner's, another user.</summary>
    public string AppConnectionString(string ownerConnectionString) =>
        RoleConnectionString(ownerConnectionString, AppRole, AppPassword, "opsdash");

    /// <summary>The jobs-role connection, for background work only.</summary>
    public string JobsConnectionString(string ownerConnectionString) =>
        RoleConnectionString(ownerConnectionString, JobsRole, JobsPassword, "opsdash-jobs");

    /// <summary>
    /// After start-up the Host holds no owner credential: the URL leaves these settings and every
    /// configuration source (the environment variable both raw and with its OPSDASH_ prefix stripped).
    /// </summary>
    public void ForgetOwnerCredential(IConfiguration configuration)
    {
        Url = null;
        foreach (var key in new[] { "Database:Url", "DATABASE_URL", "OPSDASH_DATABASE_URL" })
        {
            if (configuration[key] is not null)
            {
                configuration[key] = null;
            }
        }

        // Child processes (pg_ctl at shutdown) inherit the environment.
        Environment.SetEnvironmentVariable("OPSDASH_DATABASE_URL", null);
    }

    private static string RoleConnectionString(string ownerConnectionString, string role, string? password, string applicationName) =>
        new NpgsqlConnectionStringBuilder(ownerConnectionString)
        {
            Username = role,
            Password = password,
            ApplicationName = applicationName,
            Pooling = true,
        }.ConnectionString;

    /// <summary>Accepts <c>postgres://user:pass@host:port/db?sslmode=...</c> or an Npgsql key=value string.</summary>
    public static string ToNpgsql(string url)
    {
        if (!url.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) &&
            !url.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return url;
        }

        var uri = new Uri(url);
        var userInfo = uri.UserInfo.Split(':', 2);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')),
            Username = Uri.UnescapeDataString(userInfo[0]),
        };
        if (userInfo.Length == 2)
        {
            builder.Password = Uri.UnescapeDataString(userInfo[1]);
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            if (kv[0].Equals("sslmode", StringComparison.OrdinalIgnoreCase) && kv.Length == 2)
            {
                builder.SslMode = Enum.Parse<SslMode>(kv[1].Replace("-", string.Empty, StringComparison.Ordinal), ignoreCase: true);
            }
        }

        return builder.ConnectionString;
    }
}

public sealed class EmbeddedSettings
{
    public int Port { get; set; } = 5433;

    public string? DataDirectory { get; set; }

    public string BinDirectory { get; set; } = "/usr/lib/postgresql/15/bin";

    /// <summary>Stop the cluster when the Host stops (the next start reuses the data folder).</summary>
    public bool StopOnShutdown { get; set; } = true;

    /// <summary>
    /// Server settings (<c>name=value</c>) the cluster starts with. PostgreSQL's own defaults (128 MB of
    /// shared buffers, 1 GB of WAL between checkpoints) make a million-row seed spend most of its time
    /// evicting dirty pages and checkpointing; these are the usual first tuning step, sized for a laptop.
    /// </summary>
    public string[] Settings { get; set; } = ["shared_buffers=512MB", "max_wal_size=4GB"];
}
