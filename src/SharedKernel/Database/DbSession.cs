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
/// The tenant context, the session check and (for an org route) the org entry travel as a prelude in the same
/// round trip as the first statement, with BEGIN (ADR 0025). A read (<c>GET</c>) runs without an explicit
/// transaction: each query is one round trip, its prelude and the query in one implicit, read-only transaction
/// that commits on its own; the first statement that is not a plain query (an execute, a copy, a savepoint, a
/// snapshot) opens a transaction for the rest of the unit.
/// A handler that waits on its client (a CSV upload or download, ADR 0018) commits with
/// <see cref="CommitAsync"/> before it waits: the connection goes back to the pool, and the next
/// statement takes one again in a new transaction (context applied, session checked again).
/// </summary>
public sealed class DbSession : IAsyncDisposable
{
    // The prelude of a statement when no org entry is pending: the context, and the session check on the unit's
    // first statement (a token issued before the user's last password change is refused, at no extra round trip).
    private const string EnterContextSql = """
        select 1 from core.enter_context(@CtxUserId, @CtxOrgId, @CtxSystem, @CtxApiKeyId, @CtxInboundHookId, @CtxTokenUser, @CtxStamp, @CtxSessionId, @CtxReadOnly)
        """;

    // The prelude of an org route's first statement when the Host already knows the slug's org id (ADR 0025):
    // context, session check, membership, role, all checked before the statement runs, or it does not run.
    private const string EnterRequestAsSql = """
        select id, slug, name, type, billing_owner_user_id, role
          from organizations.enter_request_as(@CtxUserId, @CtxSystem, @CtxTokenUser, @CtxStamp, @CtxSessionId, @CtxSlug, @CtxOrgId, @CtxRoles, @CtxReadOnly)
        """;

    // Context, session check and org lookup in one statement: an org route's entry when the org id is not known yet.
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

    // Raised by the preludes (core.enter_context, organizations.enter_request_as); never seen by module code.
    private const string SessionEndedState = "ODE01";
    private const string EntryRefusedState = "ODE04";
    private const string RoleRefusedState = "ODE03";

    private readonly AppDataSource _dataSource;
    private readonly JobsDataSource _jobs;
    private readonly TenantContext _context;
    private NpgsqlConnection? _connection;
    private NpgsqlTransaction? _transaction;
    private UnitOfWorkState _state;
    private bool _failed;
    private bool _readMode;
    private bool _contextApplied;
    private bool _sessionChecked;
    private PendingOrgEntry? _pendingEntry;
    private IsolationLevel _isolation = IsolationLevel.ReadCommitted;
    private int? _commandTimeoutSeconds;

    internal DbSession(AppDataSource dataSource, JobsDataSource jobs, TenantContext context)
    {
        _dataSource = dataSource;
        _jobs = jobs;
        _context = context;
        _context.Changed += ContextChanged;
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

    /// <summary>Round trips to PostgreSQL in this unit of work, COMMIT and ROLLBACK included (BEGIN and the prelude ride with the first statement). For tests and diagnostics.</summary>
    public int RoundTrips { get; private set; }

    /// <summary>Whether an org entry still waits for the unit's first statement (ADR 0025).</summary>
    internal bool HasPendingOrgEntry => _pendingEntry is not null;

    public async Task<IEnumerable<T>> QueryAsync<T>(string sql, object? param = null, CancellationToken ct = default) =>
        await QueryWithPreludeAsync<T, IEnumerable<T>>(sql, param, c => c.QueryAsync<T>(Command(sql, param, ct)), rows => rows, ct);

    public Task<T?> QuerySingleOrDefaultAsync<T>(string sql, object? param = null, CancellationToken ct = default) =>
        QueryWithPreludeAsync<T, T?>(sql, param, c => c.QuerySingleOrDefaultAsync<T>(Command(sql, param, ct)), rows => rows.Count switch
        {
            0 => default,
            1 => rows[0],
            _ => throw new InvalidOperationException("Sequence contains more than one element"),
        }, ct);

    public Task<T> QuerySingleAsync<T>(string sql, object? param = null, CancellationToken ct = default) =>
        QueryWithPreludeAsync<T, T>(sql, param, c => c.QuerySingleAsync<T>(Command(sql, param, ct)), rows => rows.Count switch
        {
            0 => throw new InvalidOperationException("Sequence contains no elements"),
            1 => rows[0],
            _ => throw new InvalidOperationException("Sequence contains more than one element"),
        }, ct);

    public Task<int> ExecuteAsync(string sql, object? param = null, CancellationToken ct = default) =>
        RunInTransactionAsync(c => c.ExecuteAsync(Command(sql, param, ct)), ct);

    public Task<T?> ExecuteScalarAsync<T>(string sql, object? param = null, CancellationToken ct = default) =>
        RunInTransactionAsync(c => c.ExecuteScalarAsync<T>(Command(sql, param, ct)), ct);

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
        RunInTransactionAsync(
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
        RunInTransactionAsync(
            async c =>
            {
                using var reader = await c.BeginTextExportAsync(copySql, ct);
                await read(reader);
                return 0;
            },
            ct);

    /// <summary>Text <c>COPY ... FROM STDIN</c> in this unit of work's transaction; <paramref name="write"/> writes the rows.</summary>
    public Task CopyTextInAsync(string copySql, Func<TextWriter, Task> write, CancellationToken ct = default) =>
        RunInTransactionAsync(
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
    /// Commits the open transaction, if any, and gives the connection back to the pool. Throws when PostgreSQL
    /// rolled it back instead (a statement failed earlier and the error was swallowed), so that is never reported
    /// as success. An org entry still pending is made first: a handler that sent no statement is still refused.
    /// </summary>
    public async Task CommitAsync(CancellationToken ct = default)
    {
        await EnterPendingOrgAsync(ct);
        if (_transaction is null)
        {
            await CloseAsync();
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
        await TransactionConnectionAsync(ct);
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

    /// <summary>Rolls back the open transaction, if any, and gives the connection back to the pool.</summary>
    public async Task RollbackAsync(CancellationToken ct = default)
    {
        if (_transaction is null)
        {
            await CloseAsync();
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
        _context.Changed -= ContextChanged;
        _state = UnitOfWorkState.Ended;
        await CloseAsync();
    }

    /// <summary>
    /// Opens the unit of work: database work is allowed from here until <see cref="EndUnitOfWork"/>.
    /// <paramref name="read"/>: a request that reads (a safe HTTP method), served in implicit read-only
    /// transactions until it needs a real one (ADR 0025).
    /// </summary>
    internal void BeginUnitOfWork(bool read = false)
    {
        if (_state != UnitOfWorkState.NotStarted)
        {
            throw new InvalidOperationException("This scope already had its unit of work; a scope has exactly one.");
        }

        _state = UnitOfWorkState.Active;
        _readMode = read;
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
        // enter_personal_org sets app.org_id itself; it must last, so it needs the unit's transaction.
        var org = await RunInTransactionAsync(c => c.QuerySingleAsync<Guid?>(Command(EnterPersonalOrgSql, null, ct)), ct);
        if (org is { } id)
        {
            _context.RecordOrgApplied(id);
        }

        return org;
    }

    /// <summary>
    /// <c>organizations.enter_org</c> through <c>organizations.enter_request</c>: resolves the slug among the caller's
    /// memberships and makes it the org of this unit of work, with the context and the session check, in one round
    /// trip. Null: not a live org of the caller.
    /// </summary>
    internal async Task<OrgInfo?> EnterOrgAsync(string slug, CancellationToken ct)
    {
        var connection = await ConnectionAsync(transaction: !_readMode, ct);
        var row = await SendAsync(() => connection.QuerySingleAsync<EnteredRequest>(new CommandDefinition(
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
            cancellationToken: ct)));
        if (!row.SessionIsCurrent)
        {
            throw SessionEnded();
        }

        _sessionChecked = true;
        if (row.Id is not { } id)
        {
            return null;
        }

        _context.RecordOrgApplied(id);
        EnteredContext();
        return new OrgInfo(id, row.Slug!, row.Name!, row.Type!, row.BillingOwnerUserId!.Value, row.Role!);
    }

    /// <summary>
    /// Defers the org entry to the unit's first statement, which carries it as its prelude (ADR 0025): the caller's
    /// slug resolved to <paramref name="orgId"/> before, and <c>organizations.enter_request_as</c> checks it still does
    /// (and the session, and the role) before that statement runs. <paramref name="entered"/> gets the org once in.
    /// A refused entry throws <see cref="OrgEntryRefusedException"/> from the statement that carried it.
    /// </summary>
    internal void DeferOrgEntry(string slug, Guid orgId, Action<OrgInfo> entered)
    {
        if (_connection is not null || _pendingEntry is not null)
        {
            throw new InvalidOperationException("An org entry is deferred to the unit of work's first statement, before any other.");
        }

        _pendingEntry = new PendingOrgEntry(slug, orgId, entered);

        // The id is a parameter of the statements the entry rides with (org_id = @OrgId); the entry checks it first.
        _context.RecordOrgApplied(orgId);
    }

    /// <summary>Narrows the roles the pending org entry accepts (a role filter on a route whose entry is deferred); ODE03 becomes a 403 with <paramref name="message"/>.</summary>
    internal void RequireRoleOnEntry(IReadOnlyCollection<string> roles, string message)
    {
        var entry = _pendingEntry ?? throw new InvalidOperationException("No org entry is pending.");
        entry.Roles = entry.Roles is null ? [.. roles] : [.. entry.Roles.Intersect(roles)];
        entry.RoleMessage = message;
    }

    /// <summary>Makes the pending org entry now, in a round trip of its own (a handler that needs the org before its first statement, or sent none).</summary>
    internal async Task EnterPendingOrgAsync(CancellationToken ct)
    {
        if (_pendingEntry is null)
        {
            return;
        }

        var connection = await ConnectionAsync(transaction: !_readMode, ct);
        await SendPreludeAsync(connection, NextPrelude()!, ct);
    }

    /// <summary>Forgets a pending org entry that was refused, before the slow entry runs (<see cref="OrgScopeFilter"/>).</summary>
    internal void ForgetPendingOrgEntry() => _pendingEntry = null;

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

        var connection = await OpenAsync(transaction: !_readMode, ct);
        var row = await SendAsync(() => connection.QuerySingleAsync<EnteredApiKeyRequest>(new CommandDefinition(
            EnterApiKeyRequestSql, new { key.Prefix, Slug = slug }, _transaction, cancellationToken: ct)));
        if (!CryptographicOperations.FixedTimeEquals(row.KeyHash ?? UnknownKeyHash, key.Hash) || row.KeyId is not { } keyId)
        {
            throw new UnauthorizedException("Unknown API key.");
        }

        switch (row.State)
        {
            case "ok":
                _context.RecordApiKeyApplied(keyId, row.Id!.Value);
                EnteredContext();
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

        var connection = await OpenAsync(transaction: !_readMode, ct);
        var row = await SendAsync(() => connection.QuerySingleOrDefaultAsync<EnteredInboundHook>(new CommandDefinition(
            EnterInboundHookRequestSql, new { TokenHash = tokenHash }, _transaction, cancellationToken: ct)));
        if (row is null)
        {
            return null;
        }

        _context.RecordInboundHookApplied(row.HookId, row.OrgId);
        EnteredContext();
        return (row.HookId, row.SecretSealed);
    }

    // Compared against when no key has the prefix, so an unknown prefix costs the same compare as a known one.
    private static readonly byte[] UnknownKeyHash = new byte[32];

    private static UnauthorizedException SessionEnded() => new("This session has ended (signed out, the password was changed, or the session was revoked); sign in again.");

    // A query goes with its prelude in one round trip; without an explicit transaction, prelude and query are one
    // implicit transaction (one Sync), so the context they share ends with them. The prelude's row is taken before
    // the query's result is asked for: an error there is the query's, the prelude having passed.
    private async Task<TResult> QueryWithPreludeAsync<T, TResult>(
        string sql, object? param, Func<NpgsqlConnection, Task<TResult>> alone, Func<List<T>, TResult> result, CancellationToken ct)
    {
        var connection = await ConnectionAsync(transaction: !_readMode || _isolation != IsolationLevel.ReadCommitted, ct);
        if (NextPrelude() is not { } prelude)
        {
            return await SendAsync(() => alone(connection));
        }

        var parameters = new DynamicParameters(param);
        parameters.AddDynamicParams(prelude.Parameters);
        return await SendAsync(async () =>
        {
            await using var reader = await connection.ExecuteReaderAsync(Command(prelude.Sql + ";\n" + sql, parameters, ct));
            await prelude.ReadAsync(reader, ct);
            await reader.NextResultAsync(ct);
            var rows = new List<T>();
            if (reader.FieldCount > 0)
            {
                // Untyped, as Dapper's own Query<T> does: its typed parser cannot be had for a single-column string.
                var parse = reader.GetRowParser(typeof(T));
                while (await reader.ReadAsync(ct))
                {
                    rows.Add(ValueOf<T>(parse(reader)));
                }
            }

            return result(rows);
        });
    }

    // Anything but a plain query (an execute, a copy, a savepoint) runs in the unit's transaction, opened for it in
    // a read; the prelude goes first when one is due, in the same round trip as BEGIN.
    private async Task<T> RunInTransactionAsync<T>(Func<NpgsqlConnection, Task<T>> statement, CancellationToken ct)
    {
        var connection = await TransactionConnectionAsync(ct);
        return await SendAsync(() => statement(connection));
    }

    private async Task<NpgsqlConnection> TransactionConnectionAsync(CancellationToken ct)
    {
        var connection = await ConnectionAsync(transaction: true, ct);
        if (NextPrelude() is { } prelude)
        {
            await SendPreludeAsync(connection, prelude, ct);
        }

        return connection;
    }

    // A single column's value as Dapper's Query<T> gives it: null for NULL, converted when the column's type differs.
    private static T ValueOf<T>(object? value) => value switch
    {
        null or DBNull => default!,
        T typed => typed,
        _ => (T)Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), System.Globalization.CultureInfo.InvariantCulture),
    };

    private Task<int> SendPreludeAsync(NpgsqlConnection connection, Prelude prelude, CancellationToken ct) =>
        SendAsync(async () =>
        {
            await using var reader = await connection.ExecuteReaderAsync(Command(prelude.Sql, prelude.Parameters, ct));
            await prelude.ReadAsync(reader, ct);
            return 0;
        });

    private async Task<T> SendAsync<T>(Func<Task<T>> send)
    {
        RoundTrips++;
        try
        {
            return await send();
        }
        catch (PostgresException e)
        {
            // Any error aborts a PostgreSQL transaction (until InSavepointAsync rolls back to its savepoint); an
            // implicit one ended with the statement.
            _failed = _transaction is not null;
            var error = Translate(e);
            if (error is not PostgresException && _transaction is not null)
            {
                // A refused prelude is its transaction's first command: rolling back loses nothing, and the unit may
                // go on (an ops page signs the visitor out) in a new transaction.
                await RollbackAsync(CancellationToken.None);
            }

            throw error;
        }
    }

    // A refused prelude ends the pending entry: it was made, and said no.
    private Exception Translate(PostgresException e)
    {
        var entry = _pendingEntry;
        switch (e.SqlState)
        {
            case SessionEndedState:
                _pendingEntry = null;
                return SessionEnded();
            case EntryRefusedState:
                _pendingEntry = null;
                return new OrgEntryRefusedException();
            case RoleRefusedState:
                _pendingEntry = null;
                return new ForbiddenException(entry?.RoleMessage ?? "Your role does not allow this.");
            default:
                return e;
        }
    }

    // The prelude the next statement must carry, or null: the pending org entry; else the context when this
    // transaction has not applied it (every implicit one).
    private Prelude? NextPrelude()
    {
        var readOnly = _transaction is null;
        if (_pendingEntry is { } entry)
        {
            return new Prelude(
                EnterRequestAsSql,
                ContextFor(readOnly, checkSession: true) with { CtxSlug = entry.Slug, CtxOrgId = entry.OrgId, CtxRoles = entry.Roles },
                async (reader, ct) =>
                {
                    await reader.ReadAsync(ct);
                    var org = reader.GetRowParser<OrgInfo>()(reader);
                    _pendingEntry = null;
                    _context.RecordOrgApplied(org.Id);
                    entry.Entered(org);
                    EnteredContext();
                });
        }

        if (_transaction is not null && _contextApplied)
        {
            return null;
        }

        return new Prelude(
            EnterContextSql,
            ContextFor(readOnly, checkSession: !_sessionChecked),
            async (reader, ct) =>
            {
                await reader.ReadAsync(ct);
                EnteredContext();
            });
    }

    // The context is set and the session checked: for the rest of this transaction, or (implicit) for nothing after it.
    private void EnteredContext()
    {
        _sessionChecked = true;
        _contextApplied = _transaction is not null;
    }

    private ContextParameters ContextFor(bool readOnly, bool checkSession) => new(
        _context.UserId,
        _context.OrgId,
        _context.IsSystem,
        _context.ApiKeyId,
        _context.InboundHookId,
        checkSession && _context.Token is not null ? _context.UserId : null,
        _context.Token?.SecurityStamp,
        _context.Token?.SessionId,
        readOnly);

    private async Task<NpgsqlConnection> ConnectionAsync(bool transaction, CancellationToken ct)
    {
        if (_connection is null && _context.PresentedApiKey is not null && _context.ApiKeyId is null)
        {
            // Fail closed: an API key acts only after the org group verified it (EnterOrgWithApiKeyAsync).
            throw new UnauthorizedException("API keys are accepted on organization routes only.");
        }

        var connection = _connection ?? await OpenAsync(transaction, ct);
        if (transaction && _transaction is null)
        {
            _transaction = await connection.BeginTransactionAsync(_isolation, ct);
            _contextApplied = false;
        }

        return connection;
    }

    private async Task<NpgsqlConnection> OpenAsync(bool transaction, CancellationToken ct)
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
        _contextApplied = false;
        if (transaction)
        {
            _transaction = await _connection.BeginTransactionAsync(_isolation, ct);
        }

        return _connection;
    }

    private CommandDefinition Command(string sql, object? param, CancellationToken ct) =>
        new(sql, param, _transaction, commandTimeout: _commandTimeoutSeconds, cancellationToken: ct);

    // A change made by the server itself (e.g. the user set after a sign-in in this very request) goes with the
    // next statement's prelude, without checking the session again.
    private Task ContextChanged()
    {
        _contextApplied = false;
        return Task.CompletedTask;
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
        _contextApplied = false;
    }

    private sealed record Prelude(string Sql, ContextParameters Parameters, Func<System.Data.Common.DbDataReader, CancellationToken, Task> ReadAsync);

    // Dapper parameters of the preludes; the Ctx prefix keeps them apart from the statement's own.
    private sealed record ContextParameters(
        Guid? CtxUserId,
        Guid? CtxOrgId,
        bool CtxSystem,
        Guid? CtxApiKeyId,
        Guid? CtxInboundHookId,
        Guid? CtxTokenUser,
        int? CtxStamp,
        Guid? CtxSessionId,
        bool CtxReadOnly)
    {
        public string? CtxSlug { get; init; }

        public string[]? CtxRoles { get; init; }
    }

    private sealed class PendingOrgEntry(string slug, Guid orgId, Action<OrgInfo> entered)
    {
        public string Slug { get; } = slug;

        public Guid OrgId { get; } = orgId;

        public Action<OrgInfo> Entered { get; } = entered;

        public string[]? Roles { get; set; }

        public string? RoleMessage { get; set; }
    }

    private sealed record EnteredInboundHook(Guid HookId, Guid OrgId, string SecretSealed);

    private sealed record EnteredApiKeyRequest(
        Guid? KeyId, byte[]? KeyHash, string[]? Scopes, string State, Guid? Id, string? Slug, string? Name, string? Type, Guid? BillingOwnerUserId, string? Role);

    private sealed record EnteredRequest(
        bool SessionIsCurrent, Guid? Id, string? Slug, string? Name, string? Type, Guid? BillingOwnerUserId, string? Role);
}
