using Npgsql;

namespace OpsDash.SharedKernel.Database;

/// <summary>
/// The app role's connection pool. Internal, and registered under this type only, so no module can
/// inject a data source or a connection: every statement goes through <see cref="DbSession"/>.
/// </summary>
internal sealed class AppDataSource(string connectionString) : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource = new NpgsqlDataSourceBuilder(connectionString) { Name = "opsdash-app" }.Build();

    public ValueTask<NpgsqlConnection> OpenConnectionAsync(CancellationToken ct) => _dataSource.OpenConnectionAsync(ct);

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
