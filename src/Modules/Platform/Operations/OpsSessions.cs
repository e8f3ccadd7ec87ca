namespace OpsDash.Modules.Platform.Operations;

/// <summary>
/// The server-side half of an /ops sign-in (platform.ops_sessions, db/scripts/0069): started after the
/// password check, used by every page request, ended by signing out. The rules are the SQL functions'.
/// </summary>
internal sealed class OpsSessions(DbSession db, OpsSettings settings)
{
    public const string Ok = "ok";
    public const string NotOperator = "not_operator";

    private const string StartSql = "select platform.start_ops_session()";

    private const string UseSql = "select platform.use_ops_session(@SessionId, make_interval(mins => @IdleMinutes))";

    private const string EndSql = "select platform.end_ops_session(@SessionId)";

    /// <summary>A new session for the caller, who must be an operator (OD403 otherwise).</summary>
    public Task<Guid> StartAsync(CancellationToken ct) => db.QuerySingleAsync<Guid>(StartSql, ct: ct);

    /// <summary><see cref="Ok"/>, <see cref="NotOperator"/>, or <c>ended</c> (signed out, idle too long, or not the caller's).</summary>
    public Task<string> UseAsync(Guid sessionId, CancellationToken ct) =>
        db.QuerySingleAsync<string>(UseSql, new { SessionId = sessionId, IdleMinutes = settings.SessionMinutes }, ct);

    public Task EndAsync(Guid sessionId, CancellationToken ct) => db.ExecuteAsync(EndSql, new { SessionId = sessionId }, ct);
}
