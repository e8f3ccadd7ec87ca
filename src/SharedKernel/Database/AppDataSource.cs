using Npgsql;

namespace OpsDash.SharedKernel.Database;

/// <summary>
/// The app role's connection pool. Internal, and registered under this type only, so no module can
/// inject a data source or a connection: every statement goes through <see cref="DbSession"/>.
/// </summary>
internal sealed class AppDataSource(string connectionString) : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource = Build(connectionString);

    public ValueTask<NpgsqlConnection> OpenConnectionAsync(CancellationToken ct) => _dataSource.OpenConnectionAsync(ct);

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    // Every statement is a const string sent again and again: prepared once per connection, PostgreSQL
    // skips parsing and planning it on later uses (unless the connection string says otherwise).
    private static NpgsqlDataSource Build(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString) { Name = "opsdash-app" };
        if (!connectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase))
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = 50;
            builder.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
        }

        return builder.Build();
    }
}
