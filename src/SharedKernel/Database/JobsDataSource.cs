using Npgsql;

namespace OpsDash.SharedKernel.Database;

/// <summary>
/// Connections as <c>opsdash_jobs</c>, the only role whose sessions can be the system context
/// (core.is_system()). Internal, so only <see cref="BackgroundWork"/> (through <see cref="DbSession"/>) uses it.
/// </summary>
internal sealed class JobsDataSource(NpgsqlDataSource source) : IAsyncDisposable
{
    public NpgsqlDataSource Source { get; } = source;

    public ValueTask DisposeAsync() => Source.DisposeAsync();
}
