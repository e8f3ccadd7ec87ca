using System.Data;
using System.Security.Cryptography;
using Dapper;
using Npgsql;
using OpsDash.SharedKernel.Errors;
using OpsDash.SharedKernel.Tenancy;

namespace OpsDash.SharedKernel.Database;

/// <summary>
/// One connection and one transaction for one unit of work (an HTTP request or a job), the only way
/// module code reaches the database. Work is refused outside a unit of work (opened by
/// <see cref="UnitOfWorkFilter"/> and <see cref="BackgroundWork"/>) and after it ended, so a late
/// query can never open a second transaction that nobody commits.
/// The tenant context is applied in the same round trip as BEGIN (Npgsql sends a lazy BEGIN
/// together with the next command).
/// A handler that waits on its client (a CSV upload or download, ADR 0018) commits with
/// <see cref="CommitAsync"/> before it waits: the connection goes back to the pool, and the next
/// statement takes one again in a new transaction (context applied, session checked again).
/// </summary>
public sealed class DbSession : IAsyncDisposable
{
    // The session check rides along: a token issued before the user's last password change is
    // refused on its first database access, at no extra round trip.
    private const string ApplyContextSql = """
        select set_config('app.user_id', @UserId, true) as user_id,
               set_config('app.org_id', @OrgId, true) as org_id,
               set_config('app.system', @System, true) as system,
               set_config('app.api_key_id', @ApiKeyId, true) as api_key_id,
               set_config('app.inbound_hook_id', @InboundHookId, true) as inbound_hook_id,
               auth.access_token_is_current(@TokenUser, @Stamp, @SessionId) as session_is_current
        """;

    // Context, session check and org lookup in one statement: the first round trip of an org-scoped request.
    private const string EnterRequestSql = """
        select session_is_current, id, slug, name, type, billing_owner_user_id, role
          from organizations.enter_request(@UserId, @System, @TokenUser, @Stamp, @SessionId, @Slug)
        """;

    // The API key twin of EnterRequestSql (ADR 0021): key lookup by prefix, org, plan; the hash comes back for the fixed-time compare.
    private const string EnterApiKeyRequestSql = """
        select key_id, key_hash, scopes, state, id, slug, name, type, billing_owner_user_id, role
          from organizations.enter_api_key_request(@Prefix, @Slug)
        """;

    // A delivery to an inbound hook (ADR 0021): the hook by its token's hash, its org and plan, and its sealed secret.
    private const string EnterInboundHookRequestSql = """
        select hook_id, org_id, secret_sealed from organizations.enter_inbound_hook_request(@TokenHash)
        """;

    private const string EnterPersonalOrgSql = "select organizations.enter_personal_org()";

    private const string EnterOrgSql = """
        select id, slug, name, type, billing_owner_user_id, role
          from organizations.enter_org(@Slug)
        """;

    private readonly AppDataSource _dataSource;
    private readonly JobsDataSource _jobs;
    private readonly TenantContext _context;
    private NpgsqlConnection? _connection;
    private NpgsqlTransaction? _transaction;
    private UnitOfWorkState _state;
    private bool _failed;
    private IsolationLevel _isolation = IsolationLevel.ReadCommitted;
    private int? _commandTimeoutSeconds;

    internal DbSession(AppDataSource dataSource, JobsDataSource jobs, TenantContext context)
    {
        _dataSource = dataSource;
        _jobs = jobs;
        _context = context;
        _context.Changed += ApplyContextIfOpenAsync;
    }

    private enum UnitOfWorkState
    {
        NotStarted,
        Active,
        Ended,
    }

    public bool IsOpen => _transaction is not null;

    /// <summary>
    /// Lets this unit of work's later statements run up to <paramref name="timeout"/> on the client side. For the rare
    /// request that raises its own <c>statement_timeout</c> in SQL (an organization import): otherwise Npgsql's 30 s
    /// gives up first, breaking the connection instead of letting PostgreSQL's limit answer.
    /// </summary>
    public void AllowLongStatements(TimeSpan timeout) => _commandTimeoutSeconds = (int)Math.Ceiling(timeout.TotalSeconds);

    /// <summary>Statements sent in this unit of work, COMMIT and ROLLBACK included (BEGIN rides with the first). For tests and diagnostics.</summary>
    public int RoundTrips { get; private set; }

    public Task<IEnumerable<T>> QueryAsync<T>(string sql, object? param = null, CancellationToken ct = default) =>
        RunAsync(c => c.QueryAsync<T>(Command(sql, param, ct)), ct);

    public Task<T?> QuerySingleOrDefaultAsync<T>(string sql, object? param = null, CancellationToken ct = default) =>
        RunAsync(c => c.QuerySingleOrDefaultAsync<T>(Command(sql, param, ct)), ct);

    public Task<T> QuerySingleAsync<T>(string sql, object? param = null, CancellationToken ct = default) =>
        RunAsync(c => c.QuerySingleAsync<T>(Command(sql, param, ct)), ct);

    public Task<int> ExecuteAsync(string sql, object? param = null, CancellationToken ct = default) =>
        RunAsync(c => c.ExecuteAsync(Command(sql, param, ct)), ct);

    public Task<T?> ExecuteScalarAsync<T>(string sql, object? param = null, CancellationToken ct = default) =>
        RunAsync(c => c.ExecuteScalarAsync<T>(Command(sql, param, ct)), ct);

    /// <summary>
    /// Runs <paramref name="read"/> in a REPEATABLE READ transaction of its own, committed when it returns (rolled
    /// back when it throws): every statement it sends sees the one snapshot taken by the first, however many there
    /// are (the short pages of an export). Nothing stays open afterwards. Commit the open transaction first.
    /// </summary>
    public async Task ReadSnapshotAsync(Func<Task> read, CancellationToken ct = default)
    {
        if (_transaction is not null)
        {
            throw new InvalidOperationException("A snapshot read runs in a transaction of its own: commit the open one first.");
        }

        _isolation = IsolationLevel.RepeatableRead;
        try
        {
            await read();
            await CommitAsync(ct);
        }
        catch
        {
            await RollbackAsync(CancellationToken.None);
            throw;
        }
        finally
        {
            _isolation = IsolationLevel.ReadCommitted;
        }
    }

    /// <summary>
    /// Binary <c>COPY ... FROM STDIN</c> in this unit of work's transaction (bulk loads into a staging
    /// table); <paramref name="write"/> writes the rows. Returns the number of rows copied.
    /// </summary>
    public Task<ulong> CopyInAsync(string copySql, Func<CopyRowWriter, Task> write, CancellationToken ct = default) =>
        RunAsync(
            async c =>
            {
                await using var importer = await c.BeginBinaryImportAsync(copySql, ct);
                await write(new CopyRowWriter(importer, ct));
                return await importer.CompleteAsync(ct);
            },
            ct);

    /// <summary>
    /// Text <c>COPY ... TO STDOUT</c> in this unit of work's transaction (an organization export writes each table
    /// as CSV this way, ADR 0023); <paramref name="read"/> consumes the text as it arrives, never whole in memory.
    /// </summary>
    public Task CopyTextOutAsync(string copySql, Func<TextReader, Task> read, CancellationToken ct = default) =>
        RunAsync(
            async c =>
            {
                using var reader = await c.BeginTextExportAsync(copySql, ct);
                await read(reader);
                return 0;
            },
            ct);

    /// <summary>Text <c>COPY ... FROM STDIN</c> in this unit of work's transaction; <paramref name="write"/> writes the rows.</summary>
    public Task CopyTextInAsync(string copySql, Func<TextWriter, Task> write, CancellationToken ct = default) =>
        RunAsync(
            async c =>
            {
                await using var writer = await c.BeginTextImportAsync(copySql, ct);
                if (_commandTimeoutSeconds is { } seconds && writer is NpgsqlCopyTextWriter copy)
                {
                    copy.Timeout = seconds * 1000;
                }

                await write(writer);
                return 0;
            },
            ct);

    /// <summary>
    /// Commits the open transaction, if any. Throws when PostgreSQL rolled it back instead (a statement
    /// failed earlier and the error was swallowed), so that is never reported as success.
    /// </summary>
    public async Task CommitAsync(CancellationToken ct = default)
    {
        if (_transaction is null)
        {
            return;
        }

        try
        {
            RoundTrips++;
            if (_failed)
            {
                // PostgreSQL would answer this COMMIT with a silent ROLLBACK.
                await _transaction.RollbackAsync(ct);
                throw new InvalidOperationException(
                    "The transaction was aborted by an earlier database error that was caught and ignored; it was rolled back, not committed.");
            }

            await _transaction.CommitAsync(ct);
        }
        finally
        {
            await CloseAsync();
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> inside a savepoint: when it throws, what it wrote is rolled back, the
    /// transaction stays usable (a caught database error no longer dooms the commit) and the exception goes on
    /// to the caller, who may record it and commit. For work that must fail on its own (a workflow step).
    /// </summary>
    public async Task<T> InSavepointAsync<T>(Func<Task<T>> work, CancellationToken ct = default)
    {
        await ConnectionAsync(ct);
        const string name = "work";
        RoundTrips++;
        await _transaction!.SaveAsync(name, ct);
        var failedBefore = _failed;
        try
        {
            var result = await work();
            RoundTrips++;
            await _transaction.ReleaseAsync(name, ct);
            return result;
        }
        catch
        {
            RoundTrips++;
            await _transaction.RollbackAsync(name, CancellationToken.None);
            _failed = failedBefore;
            throw;
        }
    }

    public async Task RollbackAsync(CancellationToken ct = default)
    {
        if (_transaction is null)
        {
            return;
        }

        try
        {
            RoundTrips++;
            await _transaction.RollbackAsync(ct);
        }
        finally
        {
            await CloseAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _context.Changed -= ApplyContextIfOpenAsync;
        _state = UnitOfWorkState.Ended;
        await CloseAsync();
    }

    /// <summary>Opens the unit of work: database work is allowed from here until <see cref="EndUnitOfWork"/>.</summary>
    internal void BeginUnitOfWork()
    {
        if (_state != UnitOfWorkState.NotStarted)
        {
            throw new InvalidOperationException("This scope already had its unit of work; a scope has exactly one.");
        }

        _state = UnitOfWorkState.Active;
        RoundTrips = 0;
    }

    /// <summary>Ends the unit of work after its commit or rollback; any later database work throws.</summary>
    internal void EndUnitOfWork() => _state = UnitOfWorkState.Ended;

    /// <summary>
    /// Acts in the caller's own personal organization for the rest of this unit of work, as account-level
    /// events are recorded there (<c>organizations.enter_personal_org</c>: the org comes from the caller's user
    /// id, never from the code). Null when the caller has none. Modules cannot name an org themselves.
    /// </summary>
    public async Task<Guid?> EnterPersonalOrgAsync(CancellationToken ct = default)
    {
        var org = await QuerySingleAsync<Guid?>(EnterPersonalOrgSql, ct: ct);
        if (org is { } id)
        {
            _context.RecordOrgApplied(id);
        }

        return org;
    }

    /// <summary>
    /// <c>organizations.enter_org</c>: resolves the slug among the caller's memberships and makes it the
    /// transaction's org. As the unit of work's first statement it also applies the context and checks
    /// the session, all in one round trip. Null: not a live org of the caller.
    /// </summary>
    internal async Task<OrgInfo?> EnterOrgAsync(string slug, CancellationToken ct)
    {
        if (_connection is not null)
        {
            return await QuerySingleOrDefaultAsync<OrgInfo>(EnterOrgSql, new { Slug = slug }, ct);
        }

        await OpenAsync(ct);
        var row = await RunAsync(c => c.QuerySingleAsync<EnteredRequest>(new CommandDefinition(
            EnterRequestSql,
            new
            {
                _context.UserId,
                System = _context.IsSystem,
                TokenUser = _context.Token is not null ? _context.UserId : null,
                Stamp = _context.Token?.SecurityStamp,
                SessionId = _context.Token?.SessionId,
                Slug = slug,
            },
            _transaction,
            cancellationToken: ct)), ct);
        if (!row.SessionIsCurrent)
        {
            throw SessionEnded();
        }

        return row.Id is { } id ? new OrgInfo(id, row.Slug!, row.Name!, row.Type!, row.BillingOwnerUserId!.Value, row.Role!) : null;
    }

    /// <summary>
    /// The org group's entry for a request made with an API key (ADR 0021), as the unit of work's first
    /// statement: <c>organizations.enter_api_key_request</c> finds the key by its prefix, then the presented
    /// key's hash is compared with the stored one in fixed time before anything else runs (a mismatch throws,
    /// and the unit of work rolls back the context that statement set). Throws 401 for an unknown, wrong,
    /// revoked or expired key, 403 <c>feature_unavailable</c> when the org's plan lost API keys; null when the
    /// slug is not the key's org (404).
    /// </summary>
    internal async Task<(OrgInfo Org, Guid KeyId, string[] Scopes)?> EnterOrgWithApiKeyAsync(Security.ApiKeyCredential key, string slug, CancellationToken ct)
    {
        if (_connection is not null)
        {
            throw new InvalidOperationException("An API key request enters its org in its first statement.");
        }

        await OpenAsync(ct);
        var row = await RunAsync(c => c.QuerySingleAsync<EnteredApiKeyRequest>(new CommandDefinition(
            EnterApiKeyRequestSql, new { key.Prefix, Slug = slug }, _transaction, cancellationToken: ct)), ct);
        if (!CryptographicOperations.FixedTimeEquals(row.KeyHash ?? UnknownKeyHash, key.Hash) || row.KeyId is not { } keyId)
        {
            throw new UnauthorizedException("Unknown API key.");
        }

        switch (row.State)
        {
            case "ok":
                _context.RecordApiKeyApplied(keyId, row.Id!.Value);
                return (new OrgInfo(row.Id.Value, row.Slug!, row.Name!, row.Type!, row.BillingOwnerUserId!.Value, row.Role!), keyId, row.Scopes!);
            case "other_org":
                return null;
            case "plan":
                throw new FeatureUnavailableException("platform:api_keys", "API keys are not included in this organization's plan.");
            case "revoked":
                throw new UnauthorizedException("This API key was revoked.");
            case "expired":
                throw new UnauthorizedException("This API key has expired.");
            default:
                throw new UnauthorizedException("This API key's organization no longer exists.");
        }
    }

    /// <summary>
    /// The entry of an anonymous delivery to an inbound hook (ADR 0021), as the unit of work's first statement:
    /// <c>organizations.enter_inbound_hook_request</c> finds the hook by the SHA-256 of its URL token and, when
    /// it exists in a live org whose plan has webhooks, makes its org and hook the transaction's context. Returns
    /// the hook's id and sealed signing secret, or null (404).
    /// </summary>
    public async Task<(Guid HookId, string SealedSecret)?> EnterInboundHookAsync(byte[] tokenHash, CancellationToken ct)
    {
        if (_connection is not null || _context.UserId is not null || _context.IsSystem || _context.PresentedApiKey is not null)
        {
            throw new InvalidOperationException("A delivery to an inbound hook enters its org in its first statement, as no one else.");
        }

        await OpenAsync(ct);
        var row = await RunAsync(c => c.QuerySingleOrDefaultAsync<EnteredInboundHook>(new CommandDefinition(
            EnterInboundHookRequestSql, new { TokenHash = tokenHash }, _transaction, cancellationToken: ct)), ct);
        if (row is null)
        {
            return null;
        }

        _context.RecordInboundHookApplied(row.HookId, row.OrgId);
        return (row.HookId, row.SecretSealed);
    }

    // Compared against when no key has the prefix, so an unknown prefix costs the same compare as a known one.
    private static readonly byte[] UnknownKeyHash = new byte[32];

    private static UnauthorizedException SessionEnded() => new("This session has ended (signed out, the password was changed, or the session was revoked); sign in again.");

    private async Task<T> RunAsync<T>(Func<NpgsqlConnection, Task<T>> statement, CancellationToken ct)
    {
        var connection = await ConnectionAsync(ct);
        RoundTrips++;
        try
        {
            return await statement(connection);
        }
        catch (PostgresException)
        {
            // Any error aborts a PostgreSQL transaction (until InSavepointAsync rolls back to its savepoint).
            _failed = true;
            throw;
        }
    }

    private async Task<NpgsqlConnection> ConnectionAsync(CancellationToken ct)
    {
        if (_connection is null)
        {
            if (_context.PresentedApiKey is not null && _context.ApiKeyId is null)
            {
                // Fail closed: an API key acts only after the org group verified it (EnterOrgWithApiKeyAsync).
                throw new UnauthorizedException("API keys are accepted on organization routes only.");
            }

            await OpenAsync(ct);
            await ApplyContextAsync(checkSession: true, ct);
        }

        return _connection!;
    }

    private async Task OpenAsync(CancellationToken ct)
    {
        switch (_state)
        {
            case UnitOfWorkState.NotStarted:
                throw new InvalidOperationException(
                    "Database work outside a unit of work: map the endpoint under /api/v1 (UnitOfWorkFilter) or run it through BackgroundWork.");
            case UnitOfWorkState.Ended:
                throw new InvalidOperationException(
                    "Database work after the unit of work ended (its transaction was committed or rolled back): a streamed body or a late query would run in a transaction nobody commits.");
        }

        // A job's unit of work runs as opsdash_jobs, the only role whose app.system = on counts in SQL.
        _connection = _context.IsSystem ? await _jobs.Source.OpenConnectionAsync(ct) : await _dataSource.OpenConnectionAsync(ct);
        _transaction = await _connection.BeginTransactionAsync(_isolation, ct);
    }

    private CommandDefinition Command(string sql, object? param, CancellationToken ct) =>
        new(sql, param, _transaction, commandTimeout: _commandTimeoutSeconds, cancellationToken: ct);

    // The session was checked when the transaction began; a change made by the server itself (e.g. after
    // a password change in this very request) must not re-check it.
    private Task ApplyContextIfOpenAsync() => _connection is null ? Task.CompletedTask : ApplyContextAsync(checkSession: false, default);

    private async Task ApplyContextAsync(bool checkSession, CancellationToken ct)
    {
        var applied = await RunAsync(c => c.QuerySingleAsync<(string UserId, string OrgId, string System, string ApiKeyId, string InboundHookId, bool SessionIsCurrent)>(new CommandDefinition(
            ApplyContextSql,
            new
            {
                UserId = _context.UserId?.ToString() ?? string.Empty,
                OrgId = _context.OrgId?.ToString() ?? string.Empty,
                System = _context.IsSystem ? "on" : string.Empty,
                ApiKeyId = _context.ApiKeyId?.ToString() ?? string.Empty,
                InboundHookId = _context.InboundHookId?.ToString() ?? string.Empty,
                TokenUser = checkSession && _context.Token is not null ? _context.UserId : null,
                Stamp = _context.Token?.SecurityStamp,
                SessionId = _context.Token?.SessionId,
            },
            _transaction,
            cancellationToken: ct)), ct);
        if (!applied.SessionIsCurrent)
        {
            throw SessionEnded();
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

        _failed = false;
    }

    private sealed record EnteredInboundHook(Guid HookId, Guid OrgId, string SecretSealed);

    private sealed record EnteredApiKeyRequest(
        Guid? KeyId, byte[]? KeyHash, string[]? Scopes, string State, Guid? Id, string? Slug, string? Name, string? Type, Guid? BillingOwnerUserId, string? Role);

    private sealed record EnteredRequest(
        bool SessionIsCurrent, Guid? Id, string? Slug, string? Name, string? Type, Guid? BillingOwnerUserId, string? Role);
}
