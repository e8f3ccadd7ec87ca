using System.Data;
using Dapper;
using Npgsql;
using OpsDash.SharedKernel.Errors;

namespace OpsDash.SharedKernel.Database;

/// <summary>
/// One connection and one transaction for one unit of work (an HTTP request or a job).
/// Opened on first use; the tenant context is applied in the same round trip as BEGIN
/// (Npgsql sends a lazy BEGIN together with the next command).
/// </summary>
public sealed class DbSession : IAsyncDisposable
{
    // The session check rides along: a token issued before the user's last password change is
    // refused on its first database access, at no extra round trip.
    private const string ApplyContextSql = """
        select set_config('app.user_id', @UserId, true) as user_id,
               set_config('app.org_id', @OrgId, true) as org_id,
               set_config('app.system', @System, true) as system,
               auth.access_token_is_current(@TokenUser, @Stamp, @SessionId) as session_is_current
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly JobsDataSource _jobs;
    private readonly TenantContext _context;
    private NpgsqlConnection? _connection;
    private NpgsqlTransaction? _transaction;

    internal DbSession(NpgsqlDataSource dataSource, JobsDataSource jobs, TenantContext context)
    {
        _dataSource = dataSource;
        _jobs = jobs;
        _context = context;
        _context.Changed += ApplyContextIfOpenAsync;
    }

    public bool IsOpen => _transaction is not null;

    public async Task<NpgsqlConnection> ConnectionAsync(CancellationToken ct = default)
    {
        if (_connection is not null)
        {
            return _connection;
        }

        // A job's unit of work runs as opsdash_jobs, the only role whose app.system = on counts in SQL.
        _connection = await (_context.IsSystem ? _jobs.Source : _dataSource).OpenConnectionAsync(ct);
        _transaction = await _connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
        await ApplyContextAsync(checkSession: true, ct);
        return _connection;
    }

    public async Task<IEnumerable<T>> QueryAsync<T>(string sql, object? param = null, CancellationToken ct = default) =>
        await (await ConnectionAsync(ct)).QueryAsync<T>(Command(sql, param, ct));

    public async Task<T?> QuerySingleOrDefaultAsync<T>(string sql, object? param = null, CancellationToken ct = default) =>
        await (await ConnectionAsync(ct)).QuerySingleOrDefaultAsync<T>(Command(sql, param, ct));

    public async Task<T> QuerySingleAsync<T>(string sql, object? param = null, CancellationToken ct = default) =>
        await (await ConnectionAsync(ct)).QuerySingleAsync<T>(Command(sql, param, ct));

    public async Task<int> ExecuteAsync(string sql, object? param = null, CancellationToken ct = default) =>
        await (await ConnectionAsync(ct)).ExecuteAsync(Command(sql, param, ct));

    public async Task<T?> ExecuteScalarAsync<T>(string sql, object? param = null, CancellationToken ct = default) =>
        await (await ConnectionAsync(ct)).ExecuteScalarAsync<T>(Command(sql, param, ct));

    public async Task CommitAsync(CancellationToken ct = default)
    {
        if (_transaction is null)
        {
            return;
        }

        await _transaction.CommitAsync(ct);
        await CloseAsync();
    }

    public async Task RollbackAsync(CancellationToken ct = default)
    {
        if (_transaction is null)
        {
            return;
        }

        await _transaction.RollbackAsync(ct);
        await CloseAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _context.Changed -= ApplyContextIfOpenAsync;
        await CloseAsync();
    }

    private CommandDefinition Command(string sql, object? param, CancellationToken ct) =>
        new(sql, param, _transaction, cancellationToken: ct);

    // The session was checked when the transaction began; a change made by the server itself (e.g. after
    // a password change in this very request) must not re-check it.
    private Task ApplyContextIfOpenAsync() => _connection is null ? Task.CompletedTask : ApplyContextAsync(checkSession: false, default);

    private async Task ApplyContextAsync(bool checkSession, CancellationToken ct)
    {
        var applied = await _connection!.QuerySingleAsync<(string UserId, string OrgId, string System, bool SessionIsCurrent)>(new CommandDefinition(
            ApplyContextSql,
            new
            {
                UserId = _context.UserId?.ToString() ?? string.Empty,
                OrgId = _context.OrgId?.ToString() ?? string.Empty,
                System = _context.IsSystem ? "on" : string.Empty,
                TokenUser = checkSession && _context.Token is not null ? _context.UserId : null,
                Stamp = _context.Token?.SecurityStamp,
                SessionId = _context.Token?.SessionId,
            },
            _transaction,
            cancellationToken: ct));
        if (!applied.SessionIsCurrent)
        {
            throw new UnauthorizedException("This session has ended (signed out, the password was changed, or the session was revoked); sign in again.");
        }
    }

    private async Task CloseAsync()
    {
        if (_transaction is not null)
        {
            await _transaction.DisposeAsync();
            _transaction = null;
        }

        if (_connection is not null)
        {
            await _connection.DisposeAsync();
            _connection = null;
        }
    }
}
