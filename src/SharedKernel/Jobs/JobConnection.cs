using Npgsql;

namespace OpsDash.SharedKernel.Jobs;

/// <summary>
/// One long-lived opsdash_jobs session for the worker's own statements (claim, complete, ...), used by
/// one caller at a time. Kept open instead of taken from the pool per statement: Npgsql resets a pooled
/// connection when it is reopened (DISCARD ALL, a statement and a transaction of its own), which doubled
/// what the worker sent. A session that failed is closed and the next statement opens a new one.
/// Its commits do not wait for the WAL flush (synchronous_commit off): a claim, completion or failure
/// lost in a server crash leaves the job available or running, so it is claimed or rescued and runs
/// again, which at-least-once delivery already allows; the job's own work still commits durably.
/// </summary>
internal sealed class JobConnection(NpgsqlDataSource source) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private NpgsqlConnection? _connection;

    public async Task<T> RunAsync<T>(Func<NpgsqlConnection, Task<T>> statement, CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            _connection ??= await OpenAsync(ct);
            return await statement(_connection);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or OperationCanceledException)
        {
            await CloseAsync();
            throw;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync();
        try
        {
            await CloseAsync();
        }
        finally
        {
            _gate.Release();
        }

        _gate.Dispose();
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        var connection = await source.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand("set synchronous_commit = off", connection);
        await command.ExecuteNonQueryAsync(ct);
        return connection;
    }

    private async Task CloseAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
            _connection = null;
        }
    }
}
